using System.Collections.Generic;
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace CoupleGen.Evaluation;

/// <summary>The result of <see cref="QualityEvaluator.Evaluate"/>: the model's scores next to the baselines', computed the same way.</summary>
/// <param name="Pairs">How many held-out pairs were scored.</param>
/// <param name="ImageSize">The side of the square images compared.</param>
/// <param name="Rows">Model first, then the baselines.</param>
public sealed record QualityReport(int Pairs, int ImageSize, IReadOnlyList<QualityRow> Rows)
{
    /// <summary>Formats the report as a markdown table.</summary>
    /// <returns>The table, one line per method.</returns>
    public string ToMarkdown()
    {
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"Held-out pairs: {Pairs}, compared at {ImageSize}x{ImageSize}.");
        text.AppendLine();
        text.AppendLine("| method | L1 (lower is better) | PSNR dB (higher) | SSIM (higher) | perceptual distance (lower) |");
        text.AppendLine("|---|---:|---:|---:|---:|");
        foreach (var row in Rows)
        {
            string perceptual = row.Perceptual is { } p ? p.ToString("F4", CultureInfo.InvariantCulture) : "n/a";
            text.AppendLine(CultureInfo.InvariantCulture, $"| {row.Method} | {row.L1:F4} | {row.Psnr:F2} | {row.Ssim:F4} | {perceptual} |");
        }

        return text.ToString();
    }

    /// <summary>Formats the report as indented JSON.</summary>
    /// <returns>The JSON text.</returns>
    public string ToJson() => JsonSerializer.Serialize(this, Indented);

    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };
}
