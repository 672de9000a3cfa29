/// <reference types="vite/client" />
import { mount } from "svelte";
import App from "./App.svelte";
import "./app.css";
import { speakJapanese } from "./lib/webview";

// The web view's own English (its form messages, its right-click menu) replaced before anything renders.
speakJapanese(document, import.meta.env.PROD);

const target = document.getElementById("app");
if (!target) throw new Error("#app is missing from index.html");
export default mount(App, { target });
