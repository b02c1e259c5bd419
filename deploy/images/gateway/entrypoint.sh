#!/bin/sh
# nginx resolves the services' names itself (every replica, re-asked every 10 s). deploy/nginx/nginx.conf names
# Docker's resolver (127.0.0.11); under podman the network's DNS (aardvark-dns) is the container's nameserver
# instead, so the configuration nginx runs is a copy with this container's nameserver in it.
set -eu
ns="$(awk '$1 == "nameserver" { print $2; exit }' /etc/resolv.conf)"
sed "s/resolver 127\.0\.0\.11 /resolver ${ns:-127.0.0.11} /" /etc/nginx/nginx.conf > /tmp/nginx.conf
nginx -t -q -c /tmp/nginx.conf
exec nginx -c /tmp/nginx.conf -g 'daemon off;'
