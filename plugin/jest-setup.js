// Jest setup in @grafana/create-plugin's layout.
import './.config/jest-setup';
import { configure } from '@testing-library/react';

// Editors load their lists from a live proxy over loopback HTTP; on a loaded 2-core CI machine that
// can take longer than testing-library's default 1 s wait for an element to appear.
configure({ asyncUtilTimeout: 10_000 });
