-- Each owning service has its own database (docker-compose only; deploy/infra.sh does the same locally).
CREATE DATABASE funnel_campaign;
CREATE DATABASE funnel_conversion;
