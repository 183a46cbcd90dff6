using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using System.Text.Json;

namespace CoupleGen.Evaluation;

/// <summary>
/// Reports of several held-out splits (e.g. <see cref="Data.DatasetSplit.ByGroup"/> with different seeds,
/// each with its own model) combined: per method and measure, the mean over the splits and its spread.
/// A handful of held-out couples is few; one split's numbers move by more than most differences between methods.
/// </summary>
/// <param name="Reports">The splits' reports, each with the same methods.</param>
public sealed record QualitySummary(IReadOnlyList<QualityReport> Reports)
{
    /// <summary>Combines reports.</summary>
    /// <param name="reports">At least one report.</param>
    /// <returns>The summary.</returns>
    /// <exception cref="ArgumentException">There is no report, or the reports list different methods.</exception>
    public static QualitySummary Combine(IReadOnlyList<QualityReport> reports)
    {
        ArgumentNullException.ThrowIfNull(reports);
        if (reports.Count == 0)
        {
            throw new ArgumentException("Combine needs at least one report.", nameof(reports));
        }

        var methods = reports[0].Rows.Select(r => r.Method).ToArray();
        if (reports.Any(r => !r.Rows.Select(row => row.Method).SequenceEqual(methods)))
        {
            throw new ArgumentException("Every report must list the same methods in the same order.", nameof(reports));
        }

        return new QualitySummary(reports.ToArray());
    }

    /// <summary>Gets the mean and sample standard deviation over the splits of one measure, or <see langword="null"/> where a split lacks it.</summary>
    /// <param name="method">A row's method, e.g. <see cref="QualityEvaluator.Model"/>.</param>
    /// <param name="measure">Picks the measure from a row, e.g. <c>r =&gt; r.IdentitySimilarity</c>.</param>
    /// <returns>The mean and the spread (0 for a single split).</returns>
    /// <exception cref="ArgumentException">No row has that method.</exception>
    public (double Mean, double Spread)? Statistic(string method, Func<QualityRow, double?> measure)
    {
        ArgumentNullException.ThrowIfNull(measure);
        var values = Reports.Select(r => r.Rows.FirstOrDefault(row => row.Method == method) ?? throw new ArgumentException($"No row is named '{method}'.", nameof(method)))
            .Select(measure).ToArray();
        if (values.Any(v => v is null))
        {
            return null;
        }

        double mean = values.Average(v => v!.Value);
        double spread = values.Length < 2 ? 0 : Math.Sqrt(values.Sum(v => Math.Pow(v!.Value - mean, 2)) / (values.Length - 1));
        return (mean, spread);
    }

    /// <summary>Formats the summary as a markdown table of "mean ± standard deviation" over the splits.</summary>
    /// <returns>A line saying what was combined, then the table.</returns>
    public string ToMarkdown()
    {
        var text = new StringBuilder();
        double pairs = Reports.Average(r => r.Pairs);
        text.AppendLine(CultureInfo.InvariantCulture, $"{Reports.Count} held-out splits of {pairs:0.#} pairs on average at {Reports[0].ImageSize}x{Reports[0].ImageSize}: mean ± standard deviation over the splits; a random partner rank is {(pairs + 1) / 2:F1}.");
        text.AppendLine();
        QualityReport.AppendTable(text, Reports[0].Rows.Select(row => (row.Method, QualityReport.Columns.Select(c => Statistic(row.Method, c.Value) is var (m, s)
            ? $"{m.ToString(c.Format, CultureInfo.InvariantCulture)} ± {s.ToString(c.Format, CultureInfo.InvariantCulture)}"
            : "n/a").ToArray())));
        return text.ToString();
    }

    /// <summary>Formats the summary (every split's report) as indented JSON.</summary>
    /// <returns>The JSON text.</returns>
    public string ToJson() => JsonSerializer.Serialize(this, QualityReport.Indented);
}
