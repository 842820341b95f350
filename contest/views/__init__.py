"""The contest's views, one module per area; admin screens are wired by contest/admin/, public ones by the pages."""
