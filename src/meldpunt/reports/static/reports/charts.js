/* Draws the report's charts with Chart.js from the JSON in #report-charts (reports/report.html). */
document.addEventListener("DOMContentLoaded", function () {
  if (!window.Chart) return;
  JSON.parse(document.getElementById("report-charts").textContent).forEach(function (c) {
    var el = document.getElementById("chart-" + c.id);
    if (!el) return;
    var scale = {beginAtZero: true, ticks: {precision: 0}};
    if (c.max) scale.max = c.max;
    new Chart(el, {type: "bar", data: {labels: c.labels, datasets: c.datasets}, options: {
      indexAxis: c.horizontal ? "y" : "x", responsive: true, animation: false,
      plugins: {title: {display: true, text: c.title}, legend: {display: c.datasets.length > 1}},
      scales: c.horizontal ? {x: scale} : {y: scale}}});
  });
});
