// The dashboard: the engine's devices, this key's jobs with live progress, and a finished job's timeline (one row
// per device, one bar per tile or part). Everything comes from the API with the key the user gives.
"use strict";

const state = { key: null, selected: null, followed: new Map(), jobs: new Map(), timer: null };
const $ = (selector) => document.querySelector(selector);

function setStatus(text, error) {
  const status = $("#status");
  status.textContent = text;
  status.classList.toggle("error", Boolean(error));
}

async function api(path) {
  const response = await fetch(path, { headers: { Authorization: `Bearer ${state.key}` } });
  if (!response.ok) {
    let detail = response.statusText;
    try { detail = (await response.json()).detail || detail; } catch { /* not a problem document */ }
    throw new Error(`${response.status}: ${detail}`);
  }
  return response.json();
}

function cell(row, text, className) {
  const td = row.insertCell();
  td.textContent = text;
  if (className) td.className = className;
  return td;
}

function formatBytes(bytes) {
  const units = ["B", "KiB", "MiB", "GiB", "TiB"];
  let i = 0;
  while (bytes >= 1024 && i < units.length - 1) { bytes /= 1024; i++; }
  return `${bytes.toFixed(i ? 1 : 0)} ${units[i]}`;
}

async function loadDevices() {
  const devices = await api("/v1/devices");
  const body = $("#devices tbody");
  body.replaceChildren();
  for (const d of devices) {
    const row = body.insertRow();
    row.dataset.deviceId = d.id;
    cell(row, d.id); cell(row, d.name); cell(row, d.kind); cell(row, formatBytes(d.memoryBytes));
  }
}

function renderJobs() {
  const body = $("#jobs tbody");
  body.replaceChildren();
  const jobs = [...state.jobs.values()].sort((a, b) => b.createdAt.localeCompare(a.createdAt));
  for (const job of jobs) {
    const row = body.insertRow();
    row.dataset.jobId = job.id;
    row.dataset.state = job.state;
    if (job.id === state.selected) row.classList.add("selected");
    cell(row, job.id);
    cell(row, `${job.operation} ${job.precision}`);
    cell(row, job.state, `state-${job.state}`);
    const progress = cell(row, "");
    const bar = document.createElement("span");
    bar.className = "bar";
    const fill = document.createElement("span");
    fill.style.width = `${Math.round(job.progress * 100)}%`;
    bar.append(fill);
    progress.append(bar, ` ${Math.round(job.progress * 100)} %`);
    cell(row, job.report ? job.report.gflops.toFixed(1) : "");
    cell(row, job.report ? job.report.seconds.toFixed(3) : "");
    cell(row, new Date(job.createdAt).toLocaleTimeString());
    row.addEventListener("click", () => { if (job.state === "succeeded") showTimeline(job.id); });
  }
}

// Follows a running job's server-sent events through fetch (EventSource cannot send the key header).
async function follow(id) {
  if (state.followed.has(id)) return;
  const stop = new AbortController();
  state.followed.set(id, stop);
  try {
    const response = await fetch(`/v1/jobs/${id}/events`, { headers: { Authorization: `Bearer ${state.key}` }, signal: stop.signal });
    const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = "";
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      buffer += value;
      let end;
      while ((end = buffer.indexOf("\n\n")) >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const data = block.split("\n").filter((l) => l.startsWith("data:")).map((l) => l.slice(5).trim()).join("\n");
        if (!data) continue;
        const status = JSON.parse(data);
        state.jobs.set(status.id, status);
        renderJobs();
        if (status.state === "succeeded" && !state.selected) showTimeline(status.id);
      }
    }
  } catch { /* the list poll picks the job up again */ }
  finally { state.followed.delete(id); }
}

async function loadJobs() {
  const jobs = await api("/v1/jobs?limit=25");
  state.jobs = new Map(jobs.map((j) => [j.id, j]));
  renderJobs();
  for (const job of jobs) if (job.state === "running" || job.state === "queued") follow(job.id);
  const newest = jobs.find((j) => j.state === "succeeded");
  if (!state.selected && newest) showTimeline(newest.id);
}

async function showTimeline(id) {
  state.selected = id;
  renderJobs();
  const trace = await api(`/v1/jobs/${id}/trace`);
  if (state.selected !== id) return; // another job was chosen meanwhile
  $("#timeline-job").textContent = `${id}: ${trace.spans.length} spans in ${trace.seconds.toFixed(3)} s`;
  $("#timeline").replaceChildren(drawTimeline(trace));
}

function drawTimeline(trace) {
  const ns = "http://www.w3.org/2000/svg";
  // A device that runs several tasks at once (the CPU's lanes, named "[lane N]") gets a row per lane.
  const row = (s) => { const lane = / \[lane (\d+)\]$/.exec(s.item); return lane ? `${s.deviceId} lane ${lane[1]}` : s.deviceId; };
  const devices = [...new Set(trace.spans.map(row))].sort();
  const labelWidth = 110, width = 900, rowHeight = 28, top = 10;
  const end = Math.max(trace.seconds, ...trace.spans.map((s) => s.endSeconds), 1e-9);
  const scale = (width - labelWidth - 20) / end;
  const svg = document.createElementNS(ns, "svg");
  const height = top + devices.length * rowHeight + 30;
  svg.setAttribute("width", width);
  svg.setAttribute("height", height);
  svg.setAttribute("viewBox", `0 0 ${width} ${height}`);
  const add = (name, attributes, text) => {
    const element = document.createElementNS(ns, name);
    for (const [k, v] of Object.entries(attributes)) element.setAttribute(k, v);
    if (text !== undefined) element.textContent = text;
    svg.append(element);
    return element;
  };
  const colors = ["#2e90fa", "#12b76a", "#f79009", "#7a5af8", "#ee46bc", "#15b79e"];
  devices.forEach((device, i) => {
    const y = top + i * rowHeight;
    add("text", { x: 4, y: y + rowHeight / 2 + 4, "font-size": 12 }, device);
    for (const span of trace.spans.filter((s) => row(s) === device)) {
      const rect = add("rect", {
        class: "span", "data-device": span.deviceId,
        x: labelWidth + span.startSeconds * scale, y: y + 4,
        width: Math.max(1, (span.endSeconds - span.startSeconds) * scale), height: rowHeight - 8,
        fill: span.failed ? "#b42318" : colors[i % colors.length], stroke: "#fff", "stroke-width": 0.5,
      });
      const title = document.createElementNS(ns, "title");
      title.textContent = `${span.item}: ${span.startSeconds.toFixed(4)}–${span.endSeconds.toFixed(4)} s${span.failed ? " (failed)" : ""}`;
      rect.append(title);
    }
  });
  const axis = top + devices.length * rowHeight + 14;
  for (let t = 0; t <= 4; t++) {
    const seconds = (end * t) / 4;
    add("text", { x: labelWidth + seconds * scale, y: axis, "font-size": 11, "text-anchor": t === 0 ? "start" : t === 4 ? "end" : "middle" }, `${seconds.toFixed(3)} s`);
  }
  return svg;
}

async function refresh() {
  try {
    await loadJobs();
    setStatus(`Connected: ${state.jobs.size} recent job(s), updated ${new Date().toLocaleTimeString()}.`);
  } catch (e) {
    setStatus(`Cannot read jobs: ${e.message}`, true);
  }
}

async function connect(key) {
  state.key = key;
  state.selected = null;
  for (const stop of state.followed.values()) stop.abort();
  try {
    await loadDevices();
  } catch (e) {
    setStatus(`Cannot connect: ${e.message}`, true);
    return;
  }
  localStorage.setItem("gpucompute-key", key);
  await refresh();
  clearInterval(state.timer);
  state.timer = setInterval(refresh, 2000);
}

$("#key-form").addEventListener("submit", (e) => { e.preventDefault(); connect($("#key").value.trim()); });
// #key=KEY connects at once (the key then leaves the address bar); #job=ID opens that job's timeline.
const hash = new URLSearchParams(location.hash.slice(1));
const fromHash = hash.get("key");
const initial = fromHash || localStorage.getItem("gpucompute-key");
if (fromHash) history.replaceState(null, "", location.pathname + (hash.get("job") ? `#job=${hash.get("job")}` : ""));
if (initial) {
  $("#key").value = initial;
  connect(initial).then(() => { if (hash.get("job")) showTimeline(hash.get("job")).catch((e) => setStatus(`Cannot show ${hash.get("job")}: ${e.message}`, true)); });
}
