# static site
server {
    listen 80;
    server_name static.example.com;
    root /var/www/static;

    location ~* \.(css|js|png)$ {
        expries 30d;
    }
}
