server {
    listen 80;
    server_name app.example.com;

    location / {
        include proxy_params;
        proxy_pass http://app;
    }
}
