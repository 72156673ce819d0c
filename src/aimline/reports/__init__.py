"""Reports: HTML and PDF documents (and XLSX workbooks) built from the analytics rooms."""
