server {
    listen 80;
    server_name shop.example.com www.shop.example.com;
    root /var/www/shop;
    location / {
        try_files $uri $uri/ =404;
    }
    location /checkout/ {
        proxy_pass http://127.0.0.1:8001;
    }
}
