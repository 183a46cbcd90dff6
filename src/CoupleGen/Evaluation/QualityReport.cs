using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using System.Text.Json;

namespace CoupleGen.Evaluation;

/// <summary>The result of <see cref="QualityEvaluator.Evaluate"/>: the model's scores next to the baselines', computed the same way.</summary>
/// <param name="Pairs">How many held-out pairs were scored.</param>
/// <param name="ImageSize">The side of the square images compared.</param>
/// <param name="Rows">Model first, then the baselines.</param>
public sealed record QualityReport(int Pairs, int ImageSize, IReadOnlyList<QualityRow> Rows)
{
    /// <summary>The measures of a row by column title, in table order; <see langword="null"/> where a measure was not taken.</summary>
    internal static readonly (string Title, string Format, Func<QualityRow, double?> Value)[] Columns =
    {
        ("L1 (lower)", "F4", r => r.L1),
        ("PSNR dB (higher)", "F2", r => r.Psnr),
        ("SSIM (higher)", "F4", r => r.Ssim),
        ("perceptual (lower)", "F3", r => r.Perceptual),
        ("sex agreement (higher)", "F2", r => r.SexAgreement),
        ("age gap, years (lower)", "F1", r => r.AgeGap),
        ("identity similarity (higher)", "F3", r => r.IdentitySimilarity),
        ("partner rank (lower)", "F1", r => r.PartnerRank),
        ("sharpness vs real (1 = real)", "F2", r => r.Sharpness),
    };

    /// <summary>Formats the report as a markdown table.</summary>
    /// <returns>A line saying what was compared, then the table, one line per method.</returns>
    public string ToMarkdown()
    {
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"Held-out pairs: {Pairs}, compared at {ImageSize}x{ImageSize}; a random partner rank is {(Pairs + 1) / 2.0:F1}.");
        text.AppendLine();
        AppendTable(text, Rows.Select(r => (r.Method, Columns.Select(c => c.Value(r) is { } v ? v.ToString(c.Format, CultureInfo.InvariantCulture) : "n/a").ToArray())));
        return text.ToString();
    }

    /// <summary>Formats the report as indented JSON.</summary>
    /// <returns>The JSON text.</returns>
    public string ToJson() => JsonSerializer.Serialize(this, Indented);

    internal static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    internal static void AppendTable(StringBuilder text, IEnumerable<(string Method, string[] Cells)> rows)
    {
        text.AppendLine("| method | " + string.Join(" | ", Columns.Select(c => c.Title)) + " |");
        text.AppendLine("|---|" + string.Concat(Columns.Select(_ => "---:|")));
        foreach (var (method, cells) in rows)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"| {method} | {string.Join(" | ", cells)} |");
        }
    }
}
