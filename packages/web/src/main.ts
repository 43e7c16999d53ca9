import { createPinia } from 'pinia';
import { createApp } from 'vue';
import { createTransport } from './api/transport.js';
import App from './App.vue';
import { provideTransport } from './stores/transport-context.js';
import './styles/base.css';
import './styles/theme-dark.css';

// A token in the page URL (`?token=…`) is kept for the session and sent on every REST and WebSocket call,
// for servers bound beyond localhost.
const params = new URLSearchParams(location.search);
const token = params.get('token') ?? sessionStorage.getItem('tradingfloor.token');
if (token) sessionStorage.setItem('tradingfloor.token', token);

provideTransport(createTransport({ token }));
createApp(App).use(createPinia()).mount('#app');
