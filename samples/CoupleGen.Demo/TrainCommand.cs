using System;
using System.IO;
using System.Linq;
using System.Threading;
using CoupleGen.Data;
using CoupleGen.Evaluation;
using CoupleGen.Generation;
using CoupleGen.Losses;
using CoupleGen.Models;
using CoupleGen.Models.CoupleGenerator;
using CoupleGen.Models.ResNetUnet;
using CoupleGen.Weights;
using CoupleGen.Training;
using Microsoft.Extensions.Logging;

namespace CoupleGen.Demo;

/// <summary>Trains on a folder of side-by-side couple images and reports on held-out couples.</summary>
internal static class TrainCommand
{
    public static PairDirection ParseDirection(string? text) => (text ?? "BtoA").ToUpperInvariant() switch
    {
        "BTOA" => PairDirection.BToA,
        "ATOB" => PairDirection.AToB,
        _ => throw new UsageException($"--direction is AtoB or BtoA, not '{text}'."),
    };

    public static PartnerSex ParsePartnerSex(string? text) => (text ?? "auto").ToLowerInvariant() switch
    {
        "auto" => PartnerSex.Auto,
        "female" => PartnerSex.Female,
        "male" => PartnerSex.Male,
        _ => throw new UsageException($"--partner-sex is auto, female or male, not '{text}'."),
    };

    public static TrainingPrecision ParsePrecision(string? text) => (text ?? "fp32").ToLowerInvariant() switch
    {
        "fp32" => TrainingPrecision.Fp32,
        "mixed" => TrainingPrecision.MixedBf16,
        "auto" => TrainingPrecision.Auto,
        _ => throw new UsageException($"--precision is fp32, mixed or auto, not '{text}'."),
    };

    public static DiffAugmentPolicy ParseDiffAugment(string text) =>
        text.Equals("none", StringComparison.OrdinalIgnoreCase) ? DiffAugmentPolicy.None
        : Enum.TryParse(text, ignoreCase: true, out DiffAugmentPolicy policy) && (policy & ~DiffAugmentPolicy.All) == 0 && !text.Any(char.IsDigit) ? policy
        : throw new UsageException($"--diff-augment is none, all, or a comma-separated list of color, translation and cutout, not '{text}'.");

    private static PerceptualLoss LoadFeatureLoss(string path)
    {
        using WeightDictionary weights = WeightFile.Load(path);
        return PerceptualLoss.ForCoupleGenerator(weights);
    }

    public static int Run(Arguments arguments, CancellationToken cancellationToken)
    {
        string data = arguments.Required("data");
        string output = arguments.Text("out") ?? Path.Combine("out", "train");
        string recipe = (arguments.Text("recipe") ?? "partner").ToLowerInvariant();
        bool partner = recipe == "partner";
        int imageSize = arguments.Int("image-size", partner ? Pix2PixOptions.PartnerRecipe.ImageSize : 256);
        int batchSize = arguments.Int("batch-size", 1);
        int steps = arguments.Int("steps", 0);
        int epochs = arguments.Int("epochs", partner ? Pix2PixOptions.PartnerRecipe.Epochs : 100);
        int decayEpochs = arguments.Int("decay-epochs", partner ? Pix2PixOptions.PartnerRecipe.DecayEpochs : 100);
        int holdOut = arguments.Int("hold-out", 6);
        int checkpointEvery = arguments.Int("checkpoint-every", 500);
        int sheetEvery = arguments.Int("sheet-every", checkpointEvery);
        int seed = arguments.Int("seed", 0);
        int splitSeed = arguments.Int("split-seed", 0);
        int filters = arguments.Int("filters", 64);
        int discriminatorLayers = arguments.Int("discriminator-layers", PatchDiscriminatorOptions.Default.Layers);
        string? resume = arguments.Text("resume");
        string? vgg = arguments.Text("vgg");
        string? perceptual = arguments.Text("perceptual");
        string? encoder = arguments.Text("encoder");
        int encoderSkips = arguments.Int("encoder-skips", new ResNetUnetGeneratorOptions().Skips);
        double perceptualWeight = arguments.Double("perceptual-weight", 0);
        double? l1Weight = arguments.Text("l1-weight") is null ? null : arguments.Double("l1-weight", 0);
        double sexWeight = arguments.Double("sex-weight", Pix2PixOptions.PartnerRecipe.SexLossWeight);
        double identityWeight = arguments.Double("identity-weight", Pix2PixOptions.PartnerRecipe.IdentityLossWeight);
        double? ganWeight = arguments.Text("gan-weight") is null ? null : arguments.Double("gan-weight", 0);
        double featureMatchingWeight = arguments.Double("feature-matching-weight", partner ? Pix2PixOptions.PartnerRecipe.FeatureMatchingWeight : 0);
        if ((perceptual is null) != (perceptualWeight == 0))
        {
            throw new UsageException("--perceptual FILE and --perceptual-weight W (> 0) go together.");
        }

        if (recipe is not ("partner" or "pix2pix" or "couplegenerator"))
        {
            throw new UsageException($"--recipe is partner, pix2pix or couplegenerator, not '{recipe}'.");
        }

        if (!partner && (arguments.Text("sex-weight") is not null || arguments.Text("identity-weight") is not null))
        {
            throw new UsageException("--sex-weight and --identity-weight belong to the partner recipe.");
        }

        PairDirection direction = ParseDirection(arguments.Text("direction"));
        string? diffAugment = arguments.Text("diff-augment");
        string? upsampling = arguments.Text("upsampling")?.ToLowerInvariant();
        if (upsampling is not (null or "resize" or "transposed" or "shuffle"))
        {
            throw new UsageException($"--upsampling is resize, shuffle or transposed, not '{upsampling}'.");
        }

        if (upsampling is not null && recipe == "couplegenerator")
        {
            throw new UsageException("--upsampling is for the U-Nets of the partner and pix2pix recipes; the couplegenerator recipe keeps the original's.");
        }

        if (arguments.Text("discriminator-layers") is not null && recipe == "couplegenerator")
        {
            throw new UsageException("--discriminator-layers shapes the PatchGAN of the partner and pix2pix recipes; the couplegenerator recipe keeps the original's discriminator.");
        }

        if (encoder is not null && recipe == "couplegenerator")
        {
            throw new UsageException("--encoder is for the partner and pix2pix recipes; the couplegenerator recipe keeps the original's U-Net.");
        }

        if (encoder is null && arguments.Text("encoder-skips") is not null)
        {
            throw new UsageException("--encoder-skips shapes the ResNet U-Net of --encoder FILE.");
        }

        if (encoder is not null && resume is not null)
        {
            throw new UsageException("--encoder starts a new run; a resumed run keeps the architecture in its checkpoint.");
        }

        TrainingPrecision precision = ParsePrecision(arguments.Text("precision") ?? (partner ? "auto" : "fp32"));
        arguments.RejectUnknown();

        using var logging = Logging.Create();
        var all = CouplesData.Load(data);
        var (train, heldOut) = DatasetSplit.ByGroup(all, holdOut, splitSeed);
        string checkpoint = Path.Combine(output, "couplegen.ckpt");
        Console.WriteLine($"Training on {train.Count} pairs, holding out {heldOut.Count} ({holdOut} groups).");

        if (imageSize < 64 || (imageSize & (imageSize - 1)) != 0)
        {
            throw new UsageException("--image-size must be a power of two from 64 (e.g. 256 or 512).");
        }

        var options = partner
            ? Pix2PixOptions.PartnerRecipe with
            {
                Generator = Pix2PixOptions.PartnerRecipe.Generator with { Downsamplings = (int)Math.Log2(imageSize), Filters = filters },
                Discriminator = Pix2PixOptions.PartnerRecipe.Discriminator with { Filters = filters, Layers = discriminatorLayers },
                ImageSize = imageSize,
                LoadSize = imageSize + (imageSize * 14 / 128),
                BatchSize = batchSize,
                Direction = direction,
                Epochs = epochs,
                DecayEpochs = decayEpochs,
                PerceptualWeight = perceptualWeight,
                SexLossWeight = sexWeight,
                IdentityLossWeight = identityWeight,
            }
            : recipe == "couplegenerator"
            ? Pix2PixOptions.CoupleGeneratorRecipe with
            {
                // The original: 8 downsamplings at 512 (a 2x2 bottleneck); one fewer per halving.
                CoupleGeneratorNetwork = new CoupleGeneratorUnetOptions { Downsamplings = Math.Max(5, (int)Math.Log2(imageSize) - 1), Filters = filters },
                Discriminator = new PatchDiscriminatorOptions { Filters = filters },
                ImageSize = imageSize,
                LoadSize = imageSize,
                BatchSize = batchSize,
                Direction = direction,
                Epochs = epochs,
                DecayEpochs = 0,
                PerceptualWeight = vgg is null ? 0 : Pix2PixOptions.CoupleGeneratorRecipe.PerceptualWeight,
            }
            : new Pix2PixOptions
            {
                Generator = new UnetGeneratorOptions { Downsamplings = (int)Math.Log2(imageSize), Filters = filters },
                Discriminator = new PatchDiscriminatorOptions { Filters = filters, Layers = discriminatorLayers },
                ImageSize = imageSize,
                LoadSize = imageSize + (imageSize * 30 / 256),
                BatchSize = batchSize,
                Direction = direction,
                Epochs = epochs,
                DecayEpochs = decayEpochs,
                PerceptualWeight = perceptualWeight,
            };
        options = options with
        {
            L1Weight = l1Weight ?? options.L1Weight,
            GanWeight = ganWeight ?? options.GanWeight,
            FeatureMatchingWeight = featureMatchingWeight,
            MaxSteps = steps > 0 ? steps : null,
            Seed = seed,
            CheckpointPath = checkpoint,
            CheckpointInterval = checkpointEvery,
            Precision = precision,
            DiffAugment = diffAugment is null ? options.DiffAugment : ParseDiffAugment(diffAugment),
            Generator = upsampling is null ? options.Generator : options.Generator with
            {
                Upsampling = upsampling switch { "resize" => UnetUpsampling.ResizeConvolution, "shuffle" => UnetUpsampling.PixelShuffle, _ => UnetUpsampling.TransposedConvolution },
            },
        };
        if (recipe == "couplegenerator" && featureMatchingWeight > 0)
        {
            throw new UsageException("--feature-matching-weight is for the partner and pix2pix recipes, whose PatchGAN exposes its features.");
        }

        using WeightDictionary? encoderWeights = encoder is null ? null : WeightFile.Load(encoder);
        if (encoderWeights is not null)
        {
            options = options with { ResNetUnet = new ResNetUnetGeneratorOptions { InputChannels = options.Generator.InputChannels, Skips = encoderSkips }.FitTo(encoderWeights) };
        }

        if (recipe == "couplegenerator" && perceptual is not null)
        {
            throw new UsageException("The couplegenerator recipe's feature loss is VGG16's (--vgg); --perceptual is for the pix2pix recipe.");
        }

        using FeatureExtractor? network = perceptual is null ? null : PerceptualNetwork.Load(perceptual);
        using PerceptualLoss? featureLoss = vgg is not null ? LoadFeatureLoss(vgg) : network is null ? null : new PerceptualLoss(network);
        if (recipe == "couplegenerator" && featureLoss is null)
        {
            Console.WriteLine("note: no --vgg weights given, so the CoupleGenerator recipe trains without its feature loss F (weight 1e-4).");
        }

        ILogger logger = logging.CreateLogger("train");
        using (Pix2PixTrainer trainer = resume is null
            ? new Pix2PixTrainer(options, featureLoss, logger)
            : Pix2PixTrainer.Resume(resume, o => o with { MaxSteps = options.MaxSteps, Epochs = epochs, DecayEpochs = o.DecayEpochs == 0 ? 0 : decayEpochs, CheckpointPath = checkpoint, CheckpointInterval = checkpointEvery, Precision = precision }, logger: logger, perceptualLoss: featureLoss))
        {
            if (encoderWeights is not null)
            {
                ((ResNetUnetGenerator)trainer.Generator).LoadEncoder(encoderWeights);
                Console.WriteLine($"Generator: U-Net with the pretrained ResNet encoder of {encoder}.");
            }

            using var progress = new ProgressSheets(new ProgressBar(), trainer, heldOut, direction, output, sheetEvery);
            trainer.Train(train, progress, cancellationToken);
            Console.WriteLine($"Training-set L1 (evaluation mode): {trainer.EvaluateL1(train):F4}");
        }

        using var generator = PartnerGenerator.FromCheckpoint(checkpoint);
        EvaluateCommand.Report(generator, train, heldOut, direction, output, network);
        Console.WriteLine($"Checkpoint: {checkpoint}");
        return 0;
    }
}
