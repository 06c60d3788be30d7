// Apache ECharts, only the parts the dashboard draws (tree-shaken), themed from the page's CSS colours.
import { useEffect, useRef } from 'react';
import { BarChart, HeatmapChart, LineChart } from 'echarts/charts';
import { DatasetComponent, GridComponent, LegendComponent, MarkAreaComponent, TooltipComponent, VisualMapComponent } from 'echarts/components';
import { init, use, type EChartsCoreOption, type EChartsType } from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';

use([LineChart, BarChart, HeatmapChart, GridComponent, TooltipComponent, LegendComponent, VisualMapComponent, MarkAreaComponent, DatasetComponent, CanvasRenderer]);

/** A colour from the stylesheet's custom properties, so charts follow light and dark mode. */
export function cssColor(name: string): string {
  return getComputedStyle(document.documentElement).getPropertyValue(name).trim() || '#888';
}

/** The text and grid colours every chart shares. */
export function baseOption(): EChartsCoreOption {
  const text = cssColor('--text-muted');
  const line = cssColor('--border');
  return {
    textStyle: { color: text },
    color: [cssColor('--series-1'), cssColor('--series-2'), cssColor('--series-3'), cssColor('--series-4'), cssColor('--series-5'), cssColor('--series-6')],
    grid: { left: 64, right: 24, top: 36, bottom: 36 },
    tooltip: { trigger: 'axis' },
    legend: { textStyle: { color: text }, top: 0 },
    xAxis: { axisLine: { lineStyle: { color: line } } },
    yAxis: { splitLine: { lineStyle: { color: line } } },
  };
}

export function Chart({ option, height = 320, label }: { option: EChartsCoreOption; height?: number; label: string }) {
  const element = useRef<HTMLDivElement>(null);
  const chart = useRef<EChartsType | null>(null);
  useEffect(() => {
    if (!element.current) return;
    const instance = init(element.current, undefined, { renderer: 'canvas' });
    chart.current = instance;
    const resize = () => instance.resize();
    window.addEventListener('resize', resize);
    return () => {
      window.removeEventListener('resize', resize);
      instance.dispose();
      chart.current = null;
    };
  }, []);
  useEffect(() => {
    chart.current?.setOption(option, { notMerge: true });
  }, [option]);
  return <div ref={element} className="chart" style={{ height }} role="img" aria-label={label} />;
}
