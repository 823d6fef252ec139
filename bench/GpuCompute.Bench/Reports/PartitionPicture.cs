using System.Globalization;
using System.Text;
using GpuCompute.Gemm;

namespace GpuCompute.Bench.Reports;

/// <summary>
/// Draws which device got which block of C as an SVG: C scaled to a square, one coloured rectangle per device with its
/// name and share, so the README can show the adaptive policy's partition.
/// </summary>
internal static class PartitionPicture
{
    private const double Side = 640;

    private static readonly string[] Colours =
    [
        "#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1", "#ff9da7", "#9c755f", "#bab0ac", "#86bcb6", "#d37295",
    ];

    /// <summary>The SVG document for <paramref name="blocks"/> of an <paramref name="m"/> × <paramref name="n"/> C.</summary>
    public static string Svg(int m, int n, IReadOnlyList<string> names, IReadOnlyList<GemmTile?> blocks, string title)
    {
        double sx = Side / Math.Max(1, n), sy = Side / Math.Max(1, m);
        var svg = new StringBuilder();
        svg.Append(CultureInfo.InvariantCulture, $"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{Side + 20}\" height=\"{Side + 50}\" font-family=\"sans-serif\">\n");
        svg.Append(CultureInfo.InvariantCulture, $"<text x=\"10\" y=\"22\" font-size=\"15\">{Escape(title)}</text>\n");
        for (int d = 0; d < blocks.Count; d++)
        {
            if (blocks[d] is not GemmTile b)
            {
                continue;
            }

            double x = 10 + (b.Col * sx), y = 40 + (b.Row * sy), w = b.Cols * sx, h = b.Rows * sy;
            double share = (double)b.Rows * b.Cols / ((double)m * n);
            svg.Append(CultureInfo.InvariantCulture, $"<rect x=\"{x:F1}\" y=\"{y:F1}\" width=\"{w:F1}\" height=\"{h:F1}\" fill=\"{Colours[d % Colours.Length]}\" stroke=\"white\" stroke-width=\"1.5\"/>\n");
            double size = Math.Clamp(Math.Min(w / 6, h / 2.5), 0, 14);
            if (size >= 5)
            {
                svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{x + (w / 2):F1}\" y=\"{y + (h / 2):F1}\" font-size=\"{size:F1}\" text-anchor=\"middle\" dominant-baseline=\"middle\" fill=\"white\">{Escape(names[d])} {share:P1}</text>\n");
            }
        }

        svg.Append("</svg>\n");
        return svg.ToString();
    }

    private static string Escape(string text) => text.Replace("&", "&amp;", StringComparison.Ordinal).Replace("<", "&lt;", StringComparison.Ordinal).Replace(">", "&gt;", StringComparison.Ordinal);
}
