/*
 * In @grafana/create-plugin's style: jest-dom matchers and the browser APIs jsdom lacks that
 * @grafana/ui touches.
 */
import '@testing-library/jest-dom';
import { TextDecoder, TextEncoder } from 'util';

Object.assign(global, { TextDecoder, TextEncoder });

Object.defineProperty(global, 'matchMedia', {
  writable: true,
  value: (query) => ({
    matches: false,
    media: query,
    onchange: null,
    addListener: jest.fn(),
    removeListener: jest.fn(),
    addEventListener: jest.fn(),
    removeEventListener: jest.fn(),
    dispatchEvent: jest.fn(),
  }),
});

HTMLCanvasElement.prototype.getContext = () => null;

// ResizeObserver is used by some @grafana/ui components.
global.ResizeObserver =
  global.ResizeObserver ||
  class ResizeObserver {
    observe() {}
    unobserve() {}
    disconnect() {}
  };

// Force UTC so time formatting is the same on every machine.
process.env.TZ = 'UTC';

// i18next (inside @grafana/i18n) advertises itself on console.info when it starts; keep test output readable.
const info = console.info;
console.info = (...args) => {
  if (typeof args[0] === 'string' && args[0].includes('i18next')) return;
  info(...args);
};

// IntersectionObserver is used by @grafana/ui's select menus.
global.IntersectionObserver =
  global.IntersectionObserver ||
  class IntersectionObserver {
    observe() {}
    unobserve() {}
    disconnect() {}
    takeRecords() {
      return [];
    }
  };
