// dxready's ECharts: only the chart types and components the portal draws
// (charts package: radar, bar, line, heatmap; grid, legend, tooltip,
// visual map, radar axes), on the canvas renderer.
import * as echarts from 'echarts/core';
import { BarChart, LineChart, RadarChart, HeatmapChart } from 'echarts/charts';
import { GridComponent, LegendComponent, TooltipComponent, VisualMapComponent, RadarComponent, TitleComponent } from 'echarts/components';
import { CanvasRenderer } from 'echarts/renderers';
echarts.use([BarChart, LineChart, RadarChart, HeatmapChart, GridComponent, LegendComponent, TooltipComponent,
  VisualMapComponent, RadarComponent, TitleComponent, CanvasRenderer]);
window.echarts = echarts;
