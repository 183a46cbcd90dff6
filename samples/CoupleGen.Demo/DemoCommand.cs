using System;
using System.Diagnostics;
using System.IO;
using System.Threading;
using CoupleGen.Data;
using CoupleGen.Evaluation;
using CoupleGen.Generation;
using CoupleGen.Models;
using CoupleGen.Training;
using Microsoft.Extensions.Logging;

namespace CoupleGen.Demo;

/// <summary>The default command: the whole pipeline on rendered couples, on any machine, in a few minutes.</summary>
internal static class DemoCommand
{
    public static int Run(Arguments arguments, CancellationToken cancellationToken)
    {
        string output = arguments.Text("out") ?? Path.Combine("out", "demo");
        int steps = arguments.Int("steps", 1000);
        int imageSize = arguments.Int("image-size", 64);
        arguments.RejectUnknown();
        if (imageSize < 64 || imageSize % 64 != 0)
        {
            throw new UsageException("--image-size must be a multiple of 64.");
        }

        using var logging = Logging.Create();
        Console.WriteLine("CoupleGen demo: pix2pix on procedurally rendered couples (no photos needed).");
        var train = new SyntheticCoupleDataset(count: 512, imageSize, seed: 1);
        var heldOut = new SyntheticCoupleDataset(count: 16, imageSize, seed: 2);
        int batchSize = 8;
        int stepsPerEpoch = train.Count / batchSize;
        int epochs = Math.Max(1, (steps + stepsPerEpoch - 1) / stepsPerEpoch);
        var options = new Pix2PixOptions
        {
            // A narrower, shallower U-Net (6 downsamplings for 64x64) keeps a CPU run to minutes.
            Generator = new UnetGeneratorOptions { Downsamplings = (int)Math.Log2(imageSize), Filters = 32 },
            Discriminator = new PatchDiscriminatorOptions { Filters = 32 },
            ImageSize = imageSize,
            LoadSize = imageSize + (imageSize / 8),
            BatchSize = batchSize,
            Epochs = (epochs + 1) / 2,
            DecayEpochs = epochs / 2,
            MaxSteps = steps,
            Seed = 42,
            CheckpointPath = Path.Combine(output, "demo.ckpt"),
            CheckpointInterval = 0,
            LogInterval = Math.Max(1, steps / 4),
        };

        Console.WriteLine($"Training {steps} steps: {train.Count} pairs at {imageSize}x{imageSize}, batch {batchSize} ...");
        var clock = Stopwatch.StartNew();
        using (var trainer = new Pix2PixTrainer(options, logging.CreateLogger("train")))
        {
            trainer.Train(train, new ProgressBar(), cancellationToken);
        }

        Console.WriteLine($"Trained in {clock.Elapsed.TotalSeconds:F0} s; checkpoint: {options.CheckpointPath}");
        using var generator = PartnerGenerator.FromCheckpoint(options.CheckpointPath);
        string sheet = Path.Combine(output, "contact-sheet.png");
        var report = QualityEvaluator.Evaluate(generator, heldOut, train, new QualityEvaluationOptions { Direction = PairDirection.AToB, ContactSheetPath = sheet, FaceMeasures = false });
        // The rendered couples are not photos: the face networks' verdicts on them would mean nothing.
        Console.WriteLine(report.ToMarkdown());
        Console.WriteLine($"Held-out L1 on {heldOut.Count} unseen faces: model {report.Rows[0].L1:F4}, identity baseline {report.Rows[1].L1:F4} (lower is better).");
        Console.WriteLine($"Contact sheet (input | generated | mean partner | target): {sheet}");
        return 0;
    }
}
