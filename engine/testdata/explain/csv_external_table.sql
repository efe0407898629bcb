-- A CSV table declared with CREATE EXTERNAL TABLE: one split, no pruning.
CREATE EXTERNAL TABLE people STORED AS CSV LOCATION 'testdata/explain/people.csv' OPTIONS ('header' 'true');
SELECT name, age FROM people WHERE age > 30 ORDER BY age DESC, name
