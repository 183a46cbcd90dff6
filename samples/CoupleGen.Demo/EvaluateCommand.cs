using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using CoupleGen.Data;
using CoupleGen.Evaluation;
using CoupleGen.Faces;
using CoupleGen.Generation;
using CoupleGen.Models;
using CoupleGen.Training;

namespace CoupleGen.Demo;

/// <summary>Scores checkpoints on held-out couples next to the baselines, over one or more splits.</summary>
internal static class EvaluateCommand
{
    public const string SeedPlaceholder = "{seed}";

    public static int Run(Arguments arguments)
    {
        string checkpoint = arguments.Required("checkpoint");
        string data = arguments.Required("data");
        string output = arguments.Text("out") ?? Path.Combine("out", "evaluate");
        int holdOut = arguments.Int("hold-out", 6);
        int[] seeds = ParseSeeds(arguments.Text("split-seeds") ?? arguments.Text("split-seed") ?? "0");
        PairDirection direction = TrainCommand.ParseDirection(arguments.Text("direction"));
        bool batchStatistics = (arguments.Text("batch-norm") ?? "running") switch
        {
            "running" => false,
            "batch" => true,
            string other => throw new UsageException($"--batch-norm is running or batch, not '{other}'."),
        };
        string? perceptual = arguments.Text("perceptual");
        arguments.RejectUnknown();
        if (seeds.Length > 1 && !checkpoint.Contains(SeedPlaceholder, StringComparison.Ordinal))
        {
            throw new UsageException($"With several --split-seeds each split needs its own model: put {SeedPlaceholder} in --checkpoint (e.g. out/s{SeedPlaceholder}/couplegen.ckpt).");
        }

        var all = CouplesData.Load(data);
        using FeatureExtractor? network = perceptual is null ? null : PerceptualNetwork.Load(perceptual);
        var reports = new List<QualityReport>();
        foreach (int seed in seeds)
        {
            var (train, heldOut) = DatasetSplit.ByGroup(all, holdOut, seed);
            string path = checkpoint.Replace(SeedPlaceholder, seed.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal);
            using var generator = PartnerGenerator.FromCheckpoint(path, new PartnerGeneratorOptions { UseBatchStatistics = batchStatistics });
            Console.WriteLine($"Split seed {seed}: {path}");
            reports.Add(Report(generator, train, heldOut, direction, seeds.Length == 1 ? output : Path.Combine(output, $"split-{seed}"), network));
        }

        if (seeds.Length > 1)
        {
            var summary = QualitySummary.Combine(reports);
            Console.WriteLine(summary.ToMarkdown());
            Write(Path.Combine(output, "quality.md"), summary.ToMarkdown());
            Write(Path.Combine(output, "quality.json"), summary.ToJson());
            Console.WriteLine($"Written: {Path.Combine(output, "quality.md")} and quality.json (all splits), split-N/ (each split)");
        }

        return 0;
    }

    public static QualityReport Report(IPartnerGenerator generator, IPairedDataset train, IPairedDataset heldOut, PairDirection direction, string output, FeatureExtractor? perceptual = null)
    {
        string sheet = Path.Combine(output, "contact-sheet.png");
        QualityReport report = QualityEvaluator.Evaluate(generator, heldOut, train, new QualityEvaluationOptions { Direction = direction, ContactSheetPath = sheet, Perceptual = perceptual });
        string markdown = report.ToMarkdown();
        Console.WriteLine(markdown);
        Write(Path.Combine(output, "quality.md"), markdown);
        Write(Path.Combine(output, "quality.json"), report.ToJson());
        Console.WriteLine($"Written: {Path.Combine(output, "quality.md")}, quality.json, contact-sheet.png (input | generated | retrieval | real)");
        return report;
    }

    private static int[] ParseSeeds(string text)
    {
        try
        {
            return text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(s => int.Parse(s, CultureInfo.InvariantCulture)).Distinct().ToArray();
        }
        catch (FormatException)
        {
            throw new UsageException($"--split-seeds takes whole numbers separated by commas (e.g. 0,1,2), not '{text}'.");
        }
    }

    private static void Write(string path, string text)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        File.WriteAllText(path, text);
    }
}
