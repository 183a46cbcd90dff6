using System;
using System.Diagnostics;
using System.IO;
using CoupleGen.Data;
using CoupleGen.Models;
using CoupleGen.Training;
using Microsoft.Extensions.Logging;

namespace CoupleGen.Web;

/// <summary>
/// The model the sample serves when none is configured: pix2pix trained once on the procedurally rendered couples of
/// the console demo (no photos needed) and kept, so later starts reuse it. It is a demo: the page says so.
/// </summary>
internal static class DemoModel
{
    public static string EnsureTrained(string folder, int steps, ILogger logger)
    {
        string checkpoint = Path.Combine(folder, "couplegen.ckpt");
        if (File.Exists(checkpoint))
        {
            logger.LogInformation("No CoupleGen:Checkpoint configured: serving the demo model {Checkpoint}", checkpoint);
            return checkpoint;
        }

        logger.LogWarning("No CoupleGen:Checkpoint configured: training a demo model on rendered couples ({Steps} steps) into {Checkpoint}; train a real one with the sample's train command and set CoupleGen__Checkpoint", steps, checkpoint);
        const int imageSize = 64;
        var options = new Pix2PixOptions
        {
            Generator = new UnetGeneratorOptions { Downsamplings = 6, Filters = 32 },
            Discriminator = new PatchDiscriminatorOptions { Filters = 32 },
            ImageSize = imageSize,
            LoadSize = imageSize + (imageSize / 8),
            BatchSize = 8,
            Epochs = 4,
            DecayEpochs = 4,
            MaxSteps = steps,
            Seed = 42,
            CheckpointPath = checkpoint,
            CheckpointInterval = 0,
            LogInterval = Math.Max(1, steps / 10),
        };
        var clock = Stopwatch.StartNew();
        using (var trainer = new Pix2PixTrainer(options, logger))
        {
            trainer.Train(new SyntheticCoupleDataset(count: 512, imageSize, seed: 1));
        }

        logger.LogInformation("Demo model trained in {Seconds:F0} s", clock.Elapsed.TotalSeconds);
        return checkpoint;
    }
}
