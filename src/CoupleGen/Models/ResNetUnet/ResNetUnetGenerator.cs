using System;
using CoupleGen.Errors;
using CoupleGen.Models.ResNet;
using CoupleGen.Weights;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace CoupleGen.Models.ResNetUnet;

/// <summary>
/// A U-Net whose encoder is a pretrained ImageNet ResNet (the small-data practice of fastai's <c>DynamicUnet</c>):
/// the ResNet's stem and four stages (1/2 ... 1/32) are the skip connections of a decoder that doubles the size five
/// times with resize convolutions (<see cref="ResNetUnetUpBlock"/>), the last time concatenating the input itself
/// (<see cref="ResNetUnetGeneratorOptions.Skips"/> keeps only the coarser ones), and a 1x1 convolution and Tanh give the
/// image in [-1, 1]. Condition channels after RGB (the partner-sex plane) enter the encoder and, averaged, the
/// bottleneck. Build it, then load ImageNet weights into the encoder with <see cref="LoadEncoder"/>; the encoder's
/// batch norms keep their pretrained statistics in training too (the batches are a few images). State-dict keys: <c>encoder.conv1.weight</c>, <c>encoder.layer1.0.conv1.weight</c> ...,
/// <c>up4.conv1.weight</c> ... <c>up0.*</c>, <c>head.*</c>.
/// </summary>
public sealed class ResNetUnetGenerator : nn.Module<Tensor, Tensor>
{
    private static readonly string[] DeepestStage = { "layer4" };

    private readonly ResNetEncoder encoder;
    private readonly ResNetUnetUpBlock up4;
    private readonly ResNetUnetUpBlock up3;
    private readonly ResNetUnetUpBlock up2;
    private readonly ResNetUnetUpBlock up1;
    private readonly ResNetUnetUpBlock up0;
    private readonly Conv2d head;

    /// <summary>Initializes a new instance of the <see cref="ResNetUnetGenerator"/> class on the CPU: a randomly initialized encoder and pix2pix's initialization for the decoder.</summary>
    /// <param name="options">The architecture; <see langword="null"/> for the defaults.</param>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range.</exception>
    public ResNetUnetGenerator(ResNetUnetGeneratorOptions? options = null)
        : base(Native.CoupleGenRuntime.InitializedName(nameof(ResNetUnetGenerator)))
    {
        Options = options ?? new ResNetUnetGeneratorOptions();
        Options.Validate();
        long[] c = ResNetEncoder.StageChannels;
        var norm = Options.Normalization;
        encoder = new ResNetEncoder(Options.InputChannels, Options.BlocksPerStage, Options.Convention);
        long Skip(int level, long channels) => Options.Skips > level ? channels : 0;
        up4 = new ResNetUnetUpBlock(c[4] + Options.InputChannels - 3, Skip(0, c[3]), 256, norm);
        up3 = new ResNetUnetUpBlock(256, Skip(1, c[2]), 128, norm);
        up2 = new ResNetUnetUpBlock(128, Skip(2, c[1]), 64, norm);
        up1 = new ResNetUnetUpBlock(64, Skip(3, c[0]), 64, norm);
        up0 = new ResNetUnetUpBlock(64, Skip(4, Options.InputChannels), 32, norm);
        head = nn.Conv2d(32, Options.OutputChannels, kernel_size: 1);
        RegisterComponents();
        foreach (nn.Module decoder in new nn.Module[] { up4, up3, up2, up1, up0, head })
        {
            Layers.InitializeWeights(decoder);
        }
    }

    /// <summary>Gets the architecture this generator was built with.</summary>
    public ResNetUnetGeneratorOptions Options { get; }

    /// <summary>Gets the number of trainable parameters.</summary>
    public long ParameterCount => Layers.CountParameters(this);

    /// <summary>
    /// Loads pretrained ImageNet ResNet weights into the encoder (any file <see cref="ResNetFeatures.FromWeights"/>
    /// reads, e.g. the ResNet18.onnx of NuGet <c>Microsoft.ML.DnnImageFeaturizer.ResNet18</c>). Kernels of the
    /// condition channels start at zero.
    /// </summary>
    /// <param name="weights">The weights; fit the options to them first with <see cref="ResNetUnetGeneratorOptions.FitTo"/>.</param>
    /// <exception cref="InvalidWeightsException">The weights are not a ResNet with this encoder's blocks per stage.</exception>
    public void LoadEncoder(WeightDictionary weights)
    {
        ArgumentNullException.ThrowIfNull(weights);
        using var pretrained = ResNetFeatures.FromWeights(weights, new ResNetFeatureOptions
        {
            Taps = DeepestStage,
            BlocksPerStage = Options.BlocksPerStage,
            Convention = Options.Convention,
        });
        encoder.LoadPretrained(pretrained, weights.Source);
    }

    /// <summary>Maps a batch [N, InputChannels, H, W] (RGB in [-1, 1], then any condition channels) to [N, OutputChannels, H, W] in [-1, 1].</summary>
    /// <param name="input">The batch; H and W must be multiples of <see cref="ResNetUnetGeneratorOptions.MinimumImageSize"/>.</param>
    /// <returns>The generated batch.</returns>
    /// <exception cref="ArgumentException">The shape does not fit the architecture.</exception>
    public override Tensor forward(Tensor input)
    {
        CheckInput(input);
        using var scope = NewDisposeScope();
        Tensor[] stages = encoder.call(input);
        Tensor? Skip(int level, Tensor map) => Options.Skips > level ? map : null;
        Tensor bottleneck = input.shape[1] > 3
            ? torch.cat(new[] { stages[4], nn.functional.adaptive_avg_pool2d(input[.., 3..], new[] { stages[4].shape[2], stages[4].shape[3] }) }, 1)
            : stages[4];
        Tensor x = up4.call(bottleneck, Skip(0, stages[3]));
        x = up3.call(x, Skip(1, stages[2]));
        x = up2.call(x, Skip(2, stages[1]));
        x = up1.call(x, Skip(3, stages[0]));
        x = up0.call(x, Skip(4, input));
        return ConvolutionOverrides.Call(head, x).tanh().MoveToOuterDisposeScope();
    }

    /// <summary>Sets training or evaluation mode; the encoder's batch norms always use their pretrained statistics.</summary>
    /// <param name="train">Whether to train.</param>
    public override void train(bool train = true)
    {
        base.train(train);
        encoder.FreezeStatistics();
    }

    /// <inheritdoc/>
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            encoder.Dispose();
            up4.Dispose();
            up3.Dispose();
            up2.Dispose();
            up1.Dispose();
            up0.Dispose();
            head.Dispose();
        }

        base.Dispose(disposing);
    }

    private void CheckInput(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        const int size = ResNetUnetGeneratorOptions.MinimumImageSize;
        if (input.dim() != 4 || input.shape[1] != Options.InputChannels)
        {
            throw new ArgumentException($"The generator expects a batch [N, {Options.InputChannels}, H, W]; got [{string.Join(", ", input.shape)}].", nameof(input));
        }

        if (input.shape[2] % size != 0 || input.shape[3] % size != 0 || input.shape[2] == 0 || input.shape[3] == 0)
        {
            throw new ArgumentException($"The ResNet U-Net needs H and W to be non-zero multiples of {size}; got {input.shape[2]}x{input.shape[3]}.", nameof(input));
        }
    }
}
