"""Import of CSV and XLSX files: reading, the chunked pipeline, column maps, error files, runs."""
