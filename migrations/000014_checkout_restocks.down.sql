DROP TABLE checkout_restocks;
