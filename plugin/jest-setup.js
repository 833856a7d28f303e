// Jest setup in @grafana/create-plugin's layout.
import './.config/jest-setup';
