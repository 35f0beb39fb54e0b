DROP TABLE jobs_queue;
