INSERT INTO owners (id, first_name, last_name, city) VALUES (1, 'George', 'Franklin', 'Madison') ON CONFLICT DO NOTHING;
INSERT INTO owners (id, first_name, last_name, city) VALUES (2, 'Betty', 'Davis', 'Sun Prairie') ON CONFLICT DO NOTHING;
