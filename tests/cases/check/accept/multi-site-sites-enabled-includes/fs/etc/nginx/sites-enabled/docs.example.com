server {
    listen 80;
    server_name docs.example.com;
    root /var/www/docs;
    autoindex on;
}
