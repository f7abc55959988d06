INSERT INTO owners VALUES (DEFAULT, 'George', 'Franklin', 'Madison');
