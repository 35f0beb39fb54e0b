DROP TABLE inventory_movements;
DROP TABLE inventory_reservation_lines;
DROP TABLE inventory_reservations;
DROP TABLE inventory_thresholds;
DROP TABLE inventory_stock;
DROP TABLE inventory_warehouses;
