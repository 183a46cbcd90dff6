using System;
using System.Text.Json.Serialization;
using CoupleGen.Losses;
using CoupleGen.Models;
using TorchSharp;

namespace CoupleGen.Training;

/// <summary>
/// Everything a <see cref="Pix2PixTrainer"/> run needs. Defaults are the pix2pix paper's and the
/// reference implementation's (<c>--model pix2pix --netG unet_256 --netD basic</c>): 256x256 crops of
/// 286x286 resizes, batch 1, lambda 100, Adam 2e-4 (0.5, 0.999), 100 + 100 epochs.
/// </summary>
public sealed record Pix2PixOptions
{
    /// <summary>
    /// Gets the original CoupleGenerator recipe, exactly (train.py defaults): 512x512, no augmentation,
    /// input = right half (<see cref="PairDirection.BToA"/>), batch 1, 50 epochs at a constant rate,
    /// WGAN with clipping at 0.02, TensorFlow RMSProp (lr 2e-4, decay 0.5, epsilon 1e-10), and
    /// L_G = 1 GAN + 10 L1 + 1e-5 TV + 1e-4 F. F needs a <see cref="Losses.PerceptualLoss"/> built with
    /// <see cref="Losses.PerceptualLoss.ForCoupleGenerator"/>; set <see cref="PerceptualWeight"/> to 0 to train without VGG weights.
    /// </summary>
    public static Pix2PixOptions CoupleGeneratorRecipe { get; } = new()
    {
        Recipe = TrainingRecipe.CoupleGenerator,
        ImageSize = 512,
        LoadSize = 512,
        RandomCrop = false,
        RandomFlip = false,
        Direction = PairDirection.BToA,
        BatchSize = 1,
        GanWeight = 1.0,
        L1Weight = 10.0,
        TotalVariationWeight = 1e-5,
        PerceptualWeight = 1e-4,
        LearningRate = 2e-4,
        Epochs = 50,
        DecayEpochs = 0,
    };

    /// <summary>
    /// Gets CoupleGen's recipe for believable partners (<see cref="TrainingRecipe.Partner"/>), the sample's default:
    /// 128x128 (crops of 142 and flips), input = right half, unet_128 with a partner-sex plane (4 input channels) and a
    /// resize-convolution decoder, a 7-channel PatchGAN seeing DiffAugment's colour, translation and cutout, least-squares
    /// GAN, Adam (2e-4, 0.5), L_G = GAN + 10 L1 + 1 sex + 1 identity (the face terms judged at half resolution),
    /// 15 + 10 epochs (2,650 steps on the 53 couples of a 6-couple hold-out), bfloat16 mixed precision where the CPU has it.
    /// </summary>
    public static Pix2PixOptions PartnerRecipe { get; } = new()
    {
        Recipe = TrainingRecipe.Partner,
        Generator = new UnetGeneratorOptions { Downsamplings = 7, InputChannels = Models.PartnerSexPlane.GeneratorInputChannels, Upsampling = UnetUpsampling.ResizeConvolution },
        Discriminator = new PatchDiscriminatorOptions { InputChannels = Models.PartnerSexPlane.GeneratorInputChannels + 3 },
        ImageSize = 128,
        LoadSize = 142,
        Direction = PairDirection.BToA,
        GanMode = GanMode.LeastSquares,
        L1Weight = 10.0,
        DiffAugment = DiffAugmentPolicy.All,
        SexLossWeight = 1.0,
        IdentityLossWeight = 1.0,
        Epochs = 15,
        DecayEpochs = 10,
        Precision = TrainingPrecision.Auto,
    };

    /// <summary>Gets the differentiable augmentations of the discriminator's inputs (real and generated pairs alike). Default: <see cref="DiffAugmentPolicy.None"/>.</summary>
    public DiffAugmentPolicy DiffAugment { get; init; }

    /// <summary>Gets the weight of the <see cref="TrainingRecipe.Partner"/> recipe's sex cross-entropy on the output (0 for none). Default: 0.</summary>
    public double SexLossWeight { get; init; }

    /// <summary>Gets the weight of the <see cref="TrainingRecipe.Partner"/> recipe's identity loss, 1 - cosine of output's and real partner's identity embeddings (0 for none). Default: 0.</summary>
    public double IdentityLossWeight { get; init; }

    /// <summary>Gets the training procedure. Default: <see cref="TrainingRecipe.Pix2Pix"/>.</summary>
    public TrainingRecipe Recipe { get; init; } = TrainingRecipe.Pix2Pix;

    /// <summary>Gets the generator of the <see cref="TrainingRecipe.CoupleGenerator"/> recipe (ignored by pix2pix). Default: the original's.</summary>
    public Models.CoupleGenerator.CoupleGeneratorUnetOptions CoupleGeneratorNetwork { get; init; } = new();

    /// <summary>Gets the weight of the generator's adversarial loss. Default: 1.</summary>
    public double GanWeight { get; init; } = 1.0;

    /// <summary>
    /// Gets the weight of pix2pixHD's discriminator feature-matching loss (<see cref="Losses.FeatureMatchingLoss"/>) in the
    /// generator's objective; 0 turns it off. Recipes with a <see cref="PatchDiscriminator"/> only. Default: 0 (pix2pix has none).
    /// </summary>
    public double FeatureMatchingWeight { get; init; }

    /// <summary>Gets the weight of the total-variation loss (Σdy² + Σdx²)/√2 on the generated images; 0 turns it off. Default: 0 (pix2pix has none).</summary>
    public double TotalVariationWeight { get; init; }

    /// <summary>Gets the bound to which the discriminator's weights are clipped after each step in the CoupleGenerator (WGAN) recipe. Default: 0.02.</summary>
    public double WeightClip { get; init; } = 0.02;

    /// <summary>Gets RMSProp's decay in the CoupleGenerator recipe (the original passed beta1 = 0.5 here). Default: 0.5.</summary>
    public double RmsPropDecay { get; init; } = 0.5;

    /// <summary>Gets RMSProp's epsilon in the CoupleGenerator recipe (TensorFlow's default). Default: 1e-10.</summary>
    public double RmsPropEpsilon { get; init; } = 1e-10;

    /// <summary>Gets the generator architecture. Default: <see cref="UnetGeneratorOptions.Default"/> (unet_256).</summary>
    public UnetGeneratorOptions Generator { get; init; } = UnetGeneratorOptions.Default;

    /// <summary>
    /// Gets the shape of a U-Net with a pretrained ResNet encoder (<see cref="Models.ResNetUnet.ResNetUnetGenerator"/>) that
    /// replaces <see cref="Generator"/> in the pix2pix and partner recipes, or <see langword="null"/> for <see cref="Generator"/>'s
    /// U-Net. Its <see cref="Models.ResNetUnet.ResNetUnetGeneratorOptions.InputChannels"/> must equal <see cref="Generator"/>'s (4 in
    /// the partner recipe). Load the ImageNet weights into the trainer's generator with
    /// <see cref="Models.ResNetUnet.ResNetUnetGenerator.LoadEncoder"/> before training. Default: <see langword="null"/>.
    /// </summary>
    public Models.ResNetUnet.ResNetUnetGeneratorOptions? ResNetUnet { get; init; }

    /// <summary>Gets the discriminator architecture. Default: <see cref="PatchDiscriminatorOptions.Default"/> (70x70 PatchGAN).</summary>
    public PatchDiscriminatorOptions Discriminator { get; init; } = PatchDiscriminatorOptions.Default;

    /// <summary>Gets the side of the square images the networks see (<c>--crop_size</c>). Default: 256.</summary>
    public int ImageSize { get; init; } = 256;

    /// <summary>Gets the side images are resized to before the random crop (<c>--load_size</c>). Default: 286. Ignored when <see cref="RandomCrop"/> is off.</summary>
    public int LoadSize { get; init; } = 286;

    /// <summary>Gets a value indicating whether to resize to <see cref="LoadSize"/> and crop a random <see cref="ImageSize"/> square (pix2pix's jitter). Default: <see langword="true"/>; off resizes straight to <see cref="ImageSize"/>.</summary>
    public bool RandomCrop { get; init; } = true;

    /// <summary>Gets a value indicating whether to mirror both images of a pair at random. Default: <see langword="true"/>.</summary>
    public bool RandomFlip { get; init; } = true;

    /// <summary>Gets which half of a pair is the input. Default: <see cref="PairDirection.AToB"/>.</summary>
    public PairDirection Direction { get; init; } = PairDirection.AToB;

    /// <summary>Gets the number of pairs per step. Default: 1.</summary>
    public int BatchSize { get; init; } = 1;

    /// <summary>Gets the weight of the L1 loss against the GAN loss (lambda, <c>--lambda_L1</c>). Default: 100.</summary>
    public double L1Weight { get; init; } = 100.0;

    /// <summary>Gets the weight of the perceptual (VGG feature) loss in the generator's objective; 0 turns it off. When positive, the trainer must be given a <see cref="Losses.PerceptualLoss"/>. Default: 0 (the paper has none).</summary>
    public double PerceptualWeight { get; init; }

    /// <summary>Gets the adversarial objective. Default: <see cref="GanMode.Vanilla"/>.</summary>
    public GanMode GanMode { get; init; } = GanMode.Vanilla;

    /// <summary>Gets Adam's initial learning rate for both networks. Default: 0.0002.</summary>
    public double LearningRate { get; init; } = 2e-4;

    /// <summary>Gets Adam's beta1. Default: 0.5.</summary>
    public double Beta1 { get; init; } = 0.5;

    /// <summary>Gets Adam's beta2. Default: 0.999.</summary>
    public double Beta2 { get; init; } = 0.999;

    /// <summary>Gets the epochs at the initial learning rate (<c>--n_epochs</c>). Default: 100.</summary>
    public int Epochs { get; init; } = 100;

    /// <summary>Gets the epochs over which the learning rate then decays linearly towards 0 (<c>--n_epochs_decay</c>). Default: 100.</summary>
    public int DecayEpochs { get; init; } = 100;

    /// <summary>Gets a cap on the total number of steps, or <see langword="null"/> to run all epochs. Default: <see langword="null"/>.</summary>
    public long? MaxSteps { get; init; }

    /// <summary>Gets the seed of weights, data order, augmentation and dropout, or <see langword="null"/> to draw one (recorded in checkpoints and logs). Default: <see langword="null"/>.</summary>
    public int? Seed { get; init; }

    /// <summary>Gets the device to train on, or <see langword="null"/> for CUDA when available, else the CPU. Default: <see langword="null"/>. Not stored in checkpoints.</summary>
    [JsonIgnore]
    public torch.Device? Device { get; init; }

    /// <summary>
    /// Gets the number format of the generator and discriminator. Default: <see cref="TrainingPrecision.Fp32"/>;
    /// <see cref="TrainingPrecision.Auto"/> picks bfloat16 mixed precision where the CPU has native bfloat16.
    /// Checkpoints are FP32 either way, so a run may change it when resumed.
    /// </summary>
    public TrainingPrecision Precision { get; init; } = TrainingPrecision.Fp32;

    /// <summary>Gets the checkpoint file <see cref="Pix2PixTrainer.Train"/> writes, or <see langword="null"/> for none. Default: <see langword="null"/>.</summary>
    public string? CheckpointPath { get; init; }

    /// <summary>Gets how many steps pass between checkpoints; one is also written at the end and on cancellation. 0 writes only those. Default: 1000.</summary>
    public int CheckpointInterval { get; init; } = 1000;

    /// <summary>Gets what happens when a pair's file cannot be read. Default: <see cref="UnreadablePairPolicy.Fail"/>.</summary>
    public UnreadablePairPolicy UnreadablePairs { get; init; } = UnreadablePairPolicy.Fail;

    /// <summary>Gets how many steps pass between log lines. Default: 100.</summary>
    public int LogInterval { get; init; } = 100;

    /// <summary>Checks every value and their consistency.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A value is out of range; the message names it.</exception>
    /// <exception cref="ArgumentException">Values contradict each other, e.g. an image size the generator cannot take.</exception>
    public void Validate()
    {
        ArgumentNullException.ThrowIfNull(Generator, nameof(Generator));
        ArgumentNullException.ThrowIfNull(Discriminator, nameof(Discriminator));
        Generator.Validate();
        Discriminator.Validate();
        Check(ImageSize is >= 16 and <= 4096, nameof(ImageSize), ImageSize, "between 16 and 4096");
        Check(LoadSize >= ImageSize && LoadSize <= 8192, nameof(LoadSize), LoadSize, $"at least ImageSize ({ImageSize}) and at most 8192");
        Check(BatchSize is >= 1 and <= 4096, nameof(BatchSize), BatchSize, "between 1 and 4096");
        Check(double.IsFinite(L1Weight) && L1Weight >= 0, nameof(L1Weight), L1Weight, "finite and non-negative");
        Check(Enum.IsDefined(Recipe), nameof(Recipe), Recipe, "a defined recipe");
        Check((DiffAugment & ~DiffAugmentPolicy.All) == 0, nameof(DiffAugment), DiffAugment, "a combination of Color, Translation and Cutout");
        Check(Enum.IsDefined(UnreadablePairs), nameof(UnreadablePairs), UnreadablePairs, "a defined policy");
        Check(double.IsFinite(GanWeight) && GanWeight >= 0, nameof(GanWeight), GanWeight, "finite and non-negative");
        Check(double.IsFinite(TotalVariationWeight) && TotalVariationWeight >= 0, nameof(TotalVariationWeight), TotalVariationWeight, "finite and non-negative");
        Check(double.IsFinite(WeightClip) && WeightClip > 0, nameof(WeightClip), WeightClip, "finite and positive");
        Check(RmsPropDecay is >= 0 and < 1, nameof(RmsPropDecay), RmsPropDecay, "in [0, 1)");
        Check(double.IsFinite(RmsPropEpsilon) && RmsPropEpsilon > 0, nameof(RmsPropEpsilon), RmsPropEpsilon, "finite and positive");
        Check(double.IsFinite(SexLossWeight) && SexLossWeight >= 0, nameof(SexLossWeight), SexLossWeight, "finite and non-negative");
        Check(double.IsFinite(IdentityLossWeight) && IdentityLossWeight >= 0, nameof(IdentityLossWeight), IdentityLossWeight, "finite and non-negative");
        Check(Recipe == TrainingRecipe.Partner || (SexLossWeight == 0 && IdentityLossWeight == 0), nameof(SexLossWeight), SexLossWeight, "0 (with IdentityLossWeight) outside the Partner recipe, whose face networks compute them");
        Check(double.IsFinite(FeatureMatchingWeight) && FeatureMatchingWeight >= 0, nameof(FeatureMatchingWeight), FeatureMatchingWeight, "finite and non-negative");
        Check(Recipe != TrainingRecipe.CoupleGenerator || FeatureMatchingWeight == 0, nameof(FeatureMatchingWeight), FeatureMatchingWeight, "0 in the CoupleGenerator recipe, whose discriminator does not expose its features");
        Check(double.IsFinite(PerceptualWeight) && PerceptualWeight >= 0, nameof(PerceptualWeight), PerceptualWeight, "finite and non-negative");
        Check(double.IsFinite(LearningRate) && LearningRate > 0, nameof(LearningRate), LearningRate, "finite and positive");
        Check(Beta1 is >= 0 and < 1, nameof(Beta1), Beta1, "in [0, 1)");
        Check(Beta2 is >= 0 and < 1, nameof(Beta2), Beta2, "in [0, 1)");
        Check(Epochs >= 0, nameof(Epochs), Epochs, "non-negative");
        Check(DecayEpochs >= 0, nameof(DecayEpochs), DecayEpochs, "non-negative");
        Check(Epochs + DecayEpochs >= 1, nameof(Epochs), Epochs, "such that Epochs + DecayEpochs is at least 1");
        Check(MaxSteps is null or >= 0, nameof(MaxSteps), MaxSteps, "non-negative");
        Check(CheckpointInterval >= 0, nameof(CheckpointInterval), CheckpointInterval, "non-negative");
        Check(LogInterval >= 1, nameof(LogInterval), LogInterval, "at least 1");
        Check(Enum.IsDefined(Direction), nameof(Direction), Direction, "a defined direction");
        Check(Enum.IsDefined(GanMode), nameof(GanMode), GanMode, "a defined GAN mode");
        Check(Enum.IsDefined(Precision), nameof(Precision), Precision, "Fp32, MixedBf16 or Auto");

        if (Recipe == TrainingRecipe.CoupleGenerator)
        {
            Check(ResNetUnet is null, nameof(ResNetUnet), ResNetUnet, "null in the CoupleGenerator recipe, which keeps the original's U-Net");
            ArgumentNullException.ThrowIfNull(CoupleGeneratorNetwork, nameof(CoupleGeneratorNetwork));
            CoupleGeneratorNetwork.Validate();
            int minimum = 1 << CoupleGeneratorNetwork.Downsamplings;
            if (ImageSize % minimum != 0 || ImageSize < 2 * minimum)
            {
                throw new ArgumentException($"ImageSize {ImageSize} must be a multiple of {minimum}, and at least {2 * minimum} so that the bottleneck's batch norm sees more than one value, for the CoupleGenerator U-Net with {CoupleGeneratorNetwork.Downsamplings} downsamplings.", nameof(ImageSize));
            }

            return;
        }

        if (ResNetUnet is not null)
        {
            ResNetUnet.Validate();
            if (ResNetUnet.InputChannels != Generator.InputChannels)
            {
                throw new ArgumentException($"ResNetUnet.InputChannels ({ResNetUnet.InputChannels}) must equal Generator.InputChannels ({Generator.InputChannels}), the channels the recipe feeds its generator.", nameof(ResNetUnet));
            }

            if (ImageSize % Models.ResNetUnet.ResNetUnetGeneratorOptions.MinimumImageSize != 0)
            {
                throw new ArgumentException($"ImageSize {ImageSize} must be a multiple of {Models.ResNetUnet.ResNetUnetGeneratorOptions.MinimumImageSize} for the ResNet U-Net.", nameof(ImageSize));
            }
        }
        else if (ImageSize % Generator.MinimumImageSize != 0)
        {
            throw new ArgumentException($"ImageSize {ImageSize} must be a multiple of {Generator.MinimumImageSize} for a generator with {Generator.Downsamplings} downsamplings.", nameof(ImageSize));
        }

        int minimumForDiscriminator = 1 << (Discriminator.Layers + 2);
        if (ImageSize < minimumForDiscriminator)
        {
            throw new ArgumentException($"ImageSize {ImageSize} is too small for a discriminator with {Discriminator.Layers} layers (at least {minimumForDiscriminator}).", nameof(ImageSize));
        }

        if (Discriminator.InputChannels != Generator.InputChannels + Generator.OutputChannels)
        {
            throw new ArgumentException($"The discriminator sees the input and the output together: it needs {Generator.InputChannels + Generator.OutputChannels} input channels, not {Discriminator.InputChannels}.", nameof(Discriminator));
        }

        int inputChannels = Recipe == TrainingRecipe.Partner ? Models.PartnerSexPlane.GeneratorInputChannels : 3;
        if (Generator.InputChannels != inputChannels || Generator.OutputChannels != 3)
        {
            throw new ArgumentException(Recipe == TrainingRecipe.Partner
                ? $"The Partner recipe's generator takes RGB and the partner-sex plane: {inputChannels} input and 3 output channels."
                : "Training on image files needs 3 input and 3 output channels (RGB).", nameof(Generator));
        }
    }

    private static void Check(bool valid, string name, object? value, string requirement)
    {
        if (!valid)
        {
            throw new ArgumentOutOfRangeException(name, value, $"{name} must be {requirement}.");
        }
    }
}
