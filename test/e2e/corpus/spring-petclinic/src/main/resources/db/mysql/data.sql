INSERT IGNORE INTO owners VALUES (1, 'George', 'Franklin', 'Madison');
INSERT IGNORE INTO owners VALUES (2, 'Betty', 'Davis', 'Sun Prairie');
