using System;
using System.IO;
using CoupleGen.Data;
using CoupleGen.Evaluation;
using CoupleGen.Generation;
using CoupleGen.Models;
using CoupleGen.Training;

namespace CoupleGen.Demo;

/// <summary>Scores a checkpoint on held-out couples next to the identity and mean-partner baselines.</summary>
internal static class EvaluateCommand
{
    public static int Run(Arguments arguments)
    {
        string checkpoint = arguments.Required("checkpoint");
        string data = arguments.Required("data");
        string output = arguments.Text("out") ?? Path.Combine("out", "evaluate");
        int holdOut = arguments.Int("hold-out", 6);
        PairDirection direction = TrainCommand.ParseDirection(arguments.Text("direction"));
        bool batchStatistics = (arguments.Text("batch-norm") ?? "running") switch
        {
            "running" => false,
            "batch" => true,
            string other => throw new UsageException($"--batch-norm is running or batch, not '{other}'."),
        };
        string? perceptual = arguments.Text("perceptual");
        arguments.RejectUnknown();

        var (train, heldOut) = DatasetSplit.ByGroup(PairedImageDataset.FromDirectory(data), holdOut, seed: 0);
        using var generator = PartnerGenerator.FromCheckpoint(checkpoint, new PartnerGeneratorOptions { UseBatchStatistics = batchStatistics });
        using FeatureExtractor? network = perceptual is null ? null : PerceptualNetwork.Load(perceptual);
        Report(generator, train, heldOut, direction, output, network);
        return 0;
    }

    public static void Report(IPartnerGenerator generator, IPairedDataset train, IPairedDataset heldOut, PairDirection direction, string output, FeatureExtractor? perceptual = null)
    {
        string sheet = Path.Combine(output, "contact-sheet.png");
        QualityReport report = QualityEvaluator.Evaluate(generator, heldOut, train, new QualityEvaluationOptions { Direction = direction, ContactSheetPath = sheet, Perceptual = perceptual });
        string markdown = report.ToMarkdown();
        Console.WriteLine(markdown);
        IO.Write(Path.Combine(output, "quality.md"), markdown);
        IO.Write(Path.Combine(output, "quality.json"), report.ToJson());
        Console.WriteLine($"Written: {Path.Combine(output, "quality.md")}, quality.json, contact-sheet.png (input | generated | real | mean partner)");
    }

    private static class IO
    {
        public static void Write(string path, string text)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
            File.WriteAllText(path, text);
        }
    }
}
