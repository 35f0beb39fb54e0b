DROP TABLE cart_lines;
DROP TABLE cart_carts;
