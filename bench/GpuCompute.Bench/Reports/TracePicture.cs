using System.Globalization;
using System.Text;

namespace GpuCompute.Bench.Reports;

/// <summary>
/// Draws a task graph's trace as a Gantt chart in SVG: one row per worker (a device, or a lane of one), one bar per
/// task coloured by its kind (the name before the parenthesis: potrf, trsm, syrk, gemm, panel…), and a thin grey bar
/// under it while its tiles were arriving, so lookahead, idle time and transfers are visible in the README.
/// </summary>
internal static class TracePicture
{
    private const double Width = 900, RowHeight = 26, Left = 150, Top = 46;

    private static readonly (string Kind, string Colour)[] Kinds =
    [
        ("potrf", "#e15759"), ("trsm", "#f28e2b"), ("syrk", "#59a14f"), ("gemm", "#4e79a7"), ("panel", "#e15759"),
        ("swap", "#edc948"), ("update", "#4e79a7"), ("apply", "#76b7b2"),
    ];

    /// <summary>One bar: its row's label, the task's name, and its times in seconds (transfer from
    /// <paramref name="TransferStart"/> to <paramref name="Start"/>, compute to <paramref name="End"/>).</summary>
    public readonly record struct Bar(string Row, string Task, double TransferStart, double Start, double End, bool Failed = false);

    /// <summary>The bars of a real run's trace: a row per device, or per lane of the CPU device (the trace names the
    /// lane after the task).</summary>
    public static Bar[] Bars(Scheduling.OperationReport report) =>
    [
        .. report.Trace.Select(r =>
        {
            int lane = r.Item.LastIndexOf(" [lane ", StringComparison.Ordinal);
            string row = lane < 0 ? r.DeviceId : $"{r.DeviceId} lane {r.Item[(lane + 7)..].TrimEnd(']')}";
            string task = lane < 0 ? r.Item : r.Item[..lane];
            return new Bar(row, task, r.StartSeconds, r.StartSeconds, r.EndSeconds, r.Failed);
        }),
    ];

    /// <summary>The SVG document for <paramref name="bars"/>, rows sorted by label.</summary>
    public static string Svg(IReadOnlyList<Bar> bars, string title)
    {
        string[] rows = [.. bars.Select(b => b.Row).Distinct().OrderBy(r => r, StringComparer.Ordinal)];
        double end = bars.Count == 0 ? 1 : bars.Max(b => b.End), scale = (Width - Left - 20) / Math.Max(end, 1e-12);
        double height = Top + (rows.Length * RowHeight) + 60;
        var svg = new StringBuilder();
        svg.Append(CultureInfo.InvariantCulture, $"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{Width}\" height=\"{height:F0}\" font-family=\"sans-serif\">\n");
        svg.Append("<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n");
        svg.Append(CultureInfo.InvariantCulture, $"<text x=\"10\" y=\"22\" font-size=\"15\">{Escape(title)}</text>\n");
        for (int r = 0; r < rows.Length; r++)
        {
            double y = Top + (r * RowHeight);
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{Left - 8}\" y=\"{y + (RowHeight / 2):F1}\" font-size=\"12\" text-anchor=\"end\" dominant-baseline=\"middle\">{Escape(rows[r])}</text>\n");
            svg.Append(CultureInfo.InvariantCulture, $"<line x1=\"{Left}\" x2=\"{Width - 20}\" y1=\"{y + RowHeight - 2:F1}\" y2=\"{y + RowHeight - 2:F1}\" stroke=\"#eee\"/>\n");
        }

        foreach (Bar bar in bars)
        {
            double y = Top + (Array.IndexOf(rows, bar.Row) * RowHeight);
            if (bar.Start > bar.TransferStart)
            {
                svg.Append(CultureInfo.InvariantCulture, $"<rect x=\"{Left + (bar.TransferStart * scale):F2}\" y=\"{y + RowHeight - 8:F1}\" width=\"{Math.Max(0.5, (bar.Start - bar.TransferStart) * scale):F2}\" height=\"4\" fill=\"#999\"><title>{Escape(bar.Task)}: tiles arriving</title></rect>\n");
            }

            string colour = bar.Failed ? "#000" : Colour(bar.Task);
            svg.Append(CultureInfo.InvariantCulture, $"<rect x=\"{Left + (bar.Start * scale):F2}\" y=\"{y + 3:F1}\" width=\"{Math.Max(0.5, (bar.End - bar.Start) * scale):F2}\" height=\"{RowHeight - 12:F1}\" fill=\"{colour}\" stroke=\"white\" stroke-width=\"0.4\"><title>{Escape(bar.Task)} {bar.Start * 1e3:F2}–{bar.End * 1e3:F2} ms</title></rect>\n");
        }

        // The time axis and the legend.
        double axis = Top + (rows.Length * RowHeight) + 14;
        for (int i = 0; i <= 5; i++)
        {
            double t = end * i / 5, x = Left + (t * scale);
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{x:F1}\" y=\"{axis:F1}\" font-size=\"11\" text-anchor=\"middle\">{Seconds(t)}</text>\n");
        }

        double lx = Left;
        foreach (var (kind, colour) in Kinds.Where(k => bars.Any(b => Kind(b.Task) == k.Kind)).Append(("tiles arriving", "#999")))
        {
            svg.Append(CultureInfo.InvariantCulture, $"<rect x=\"{lx:F1}\" y=\"{axis + 14:F1}\" width=\"12\" height=\"12\" fill=\"{colour}\"/><text x=\"{lx + 16:F1}\" y=\"{axis + 24:F1}\" font-size=\"12\">{Escape(kind)}</text>\n");
            lx += 30 + (kind.Length * 7);
        }

        svg.Append("</svg>\n");
        return svg.ToString();
    }

    private static string Kind(string task)
    {
        int open = task.IndexOf('(', StringComparison.Ordinal);
        string head = open < 0 ? task : task[..open];
        int dash = head.IndexOf('-', StringComparison.Ordinal);
        return dash < 0 ? head : head[..dash];
    }

    private static string Colour(string task)
    {
        string kind = Kind(task);
        return Kinds.FirstOrDefault(k => k.Kind == kind).Colour ?? "#bab0ac";
    }

    private static string Seconds(double t) => t >= 1 ? $"{t:F2} s" : $"{t * 1e3:F0} ms";

    private static string Escape(string text) => text.Replace("&", "&amp;", StringComparison.Ordinal).Replace("<", "&lt;", StringComparison.Ordinal).Replace(">", "&gt;", StringComparison.Ordinal);
}
