"""Run DOFC attempts as Spark applications: the driver entry that spark-submit starts."""
