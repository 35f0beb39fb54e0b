DROP TABLE account_signin_failures;
DROP TABLE account_sessions;
DROP TABLE account_users;
