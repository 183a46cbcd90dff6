using System;
using System.Collections.Generic;
using System.Linq;
using CoupleGen.Errors;
using CoupleGen.Weights;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace CoupleGen.Models.ResNet;

/// <summary>
/// ResNet18 (or another basic-block ResNet, see <see cref="ResNetFeatureOptions.BlocksPerStage"/>) without its classifier (torchvision keys <c>conv1.weight</c>, <c>bn1.*</c>,
/// <c>layer1.0.conv1.weight</c> ... <c>layer4.1.bn2.*</c>), frozen and in evaluation mode, returning the
/// stages named in <see cref="ResNetFeatureOptions.Taps"/>. A perceptual-loss backbone for users without
/// VGG weights: NuGet <c>Microsoft.ML.DnnImageFeaturizer.ResNet18</c> ships real ImageNet weights as ONNX,
/// which <see cref="FromWeights"/> reads.
/// </summary>
public sealed class ResNetFeatures : FeatureExtractor
{
    internal static readonly IReadOnlyList<int> ResNet18Blocks = Array.AsReadOnly(new[] { 2, 2, 2, 2 });
    private static readonly string[] StageNames = { "relu", "layer1", "layer2", "layer3", "layer4", "pool" };

    // The per-channel means (B, G, R) of the featurizer's 224x224 mean image in ResNetPreprocess.onnx.
    private static readonly float[] CntkMean = { 103.06262f / 255, 115.902885f / 255, 123.15163f / 255 };
    private static readonly float[] CntkScale = { 1f / 255, 1f / 255, 1f / 255 };

    private readonly Conv2d conv1;
    private readonly BatchNorm2d bn1;
    private readonly MaxPool2d maxpool;
    private readonly Sequential? layer1;
    private readonly Sequential? layer2;
    private readonly Sequential? layer3;
    private readonly Sequential? layer4;
    private readonly int[] tapStages;
    private readonly int deepestStage;

    /// <summary>Initializes a new instance of the <see cref="ResNetFeatures"/> class with random weights; load real ones with <see cref="FromWeights"/>.</summary>
    /// <param name="options">Taps and convention; <see langword="null"/> for defaults.</param>
    /// <exception cref="ArgumentException">A tap names no stage.</exception>
    public ResNetFeatures(ResNetFeatureOptions? options = null)
        : this(options ?? new ResNetFeatureOptions(), widthDivisor: 1)
    {
    }

    /// <summary>The network at the width of its weights: 64 / <paramref name="widthDivisor"/> filters in the stem.</summary>
    private ResNetFeatures(ResNetFeatureOptions options, int widthDivisor)
        : base(Native.CoupleGenRuntime.InitializedName(nameof(ResNetFeatures)))
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        Options = options;
        tapStages = options.Taps.Select(StageOf).ToArray();
        deepestStage = tapStages.Max();
        long Width(int channels) => Math.Max(1, channels / widthDivisor);

        conv1 = nn.Conv2d(3, Width(64), kernel_size: 7, stride: 2, padding: 3, bias: false);
        bn1 = nn.BatchNorm2d(Width(64));
        maxpool = nn.MaxPool2d(kernel_size: 3, stride: 2, padding: 1);

        // Only the stages up to the deepest tap are built, so unused depth costs nothing.
        IReadOnlyList<int> blocks = options.BlocksPerStage ?? ResNet18Blocks;
        layer1 = deepestStage >= 1 ? ResNetBasicBlock.Stage(Width(64), Width(64), 1, blocks[0]) : null;
        layer2 = deepestStage >= 2 ? ResNetBasicBlock.Stage(Width(64), Width(128), 2, blocks[1]) : null;
        layer3 = deepestStage >= 3 ? ResNetBasicBlock.Stage(Width(128), Width(256), 2, blocks[2]) : null;
        layer4 = deepestStage >= 4 ? ResNetBasicBlock.Stage(Width(256), Width(512), 2, blocks[3]) : null;
        RegisterComponents();
        Freeze();
    }

    /// <summary>Gets the options this module was built with.</summary>
    public ResNetFeatureOptions Options { get; }

    /// <inheritdoc/>
    public override IReadOnlyList<string> Taps => Options.Taps;

    /// <summary>
    /// Creates ResNet features with weights from a file of any supported format; the blocks per stage
    /// come from the weights unless the options set them. torchvision keys
    /// (<c>layer1.0.conv1.weight</c>, classifier <c>fc.*</c> ignored) load by name. Any other file (ONNX
    /// exports such as the CNTK featurizer, whose initializers <see cref="WeightFile.Load"/> returns in
    /// the order the graph uses them) is matched by order and shape: each 4-D kernel starts a group and
    /// the 1-D tensors after it are its batch norm (scale, bias, mean, variance), optionally preceded by
    /// the convolution's bias (folded into the mean), or a lone bias (batch norm already fused into the
    /// convolution, loaded as an identity batch norm). 1x1 kernels fill the shortcut projections in
    /// order, the others the main path in order. The network takes the width of the weights (64 stem filters, or
    /// 64 / k for narrower variants).
    /// </summary>
    /// <param name="weights">The weights.</param>
    /// <param name="options">Taps and convention; when <see langword="null"/>, the defaults, with <see cref="ResNetInputConvention.CntkFeaturizer"/> for files CNTK wrote (<see cref="WeightDictionary.Producer"/>) and <see cref="ResNetInputConvention.Torchvision"/> for the rest.</param>
    /// <returns>The loaded, frozen module on the CPU.</returns>
    /// <exception cref="InvalidWeightsException">The weights do not fit ResNet18.</exception>
    public static ResNetFeatures FromWeights(WeightDictionary weights, ResNetFeatureOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(weights);
        options ??= new ResNetFeatureOptions { Convention = ConventionOf(weights) };
        if (options.BlocksPerStage is null && ResNetWeightMap.InferBlocks(weights) is { } blocks)
        {
            options = options with { BlocksPerStage = blocks };
        }

        return LoadOrDispose(new ResNetFeatures(options, WidthDivisor(weights)), network => network.LoadFrom(weights));
    }

    /// <inheritdoc/>
    public override Tensor Normalize(Tensor images) => Normalize(images, Options.Convention, Options.InputInMinusOneToOne);

    /// <summary>The convention of weights: the CNTK featurizer's for files CNTK wrote, torchvision's for the rest.</summary>
    internal static ResNetInputConvention ConventionOf(WeightDictionary weights) =>
        weights.Producer == "CNTK" ? ResNetInputConvention.CntkFeaturizer : ResNetInputConvention.Torchvision;

    /// <summary>Converts RGB images to <paramref name="convention"/>: the one conversion for every ResNet of CoupleGen.</summary>
    internal static Tensor Normalize(Tensor images, ResNetInputConvention convention, bool inputInMinusOneToOne) => convention == ResNetInputConvention.CntkFeaturizer
        ? NormalizeChannels(images, inputInMinusOneToOne, bgr: true, CntkMean, CntkScale)
        : NormalizeChannels(images, inputInMinusOneToOne, bgr: false, ImageNetMean, ImageNetStd);

    /// <summary>Returns the tapped feature maps, in <see cref="ResNetFeatureOptions.Taps"/> order.</summary>
    /// <param name="input">Images [N, 3, H, W] in the range the options name.</param>
    /// <returns>One tensor per tap.</returns>
    /// <exception cref="ArgumentException">The input is not [N, 3, H, W].</exception>
    public override Tensor[] forward(Tensor input)
    {
        RequireImages(input, "ResNet18");
        using var scope = NewDisposeScope();
        return Run(Normalize(input));
    }

    /// <summary>Runs the network on an already normalized batch (the weights' own convention).</summary>
    /// <param name="normalized">[N, 3, H, W] as the weights expect it, e.g. the output of <c>ResNetPreprocess.onnx</c>.</param>
    /// <returns>One tensor per tap.</returns>
    /// <exception cref="ArgumentException">The input is not [N, 3, H, W].</exception>
    public Tensor[] ForwardNormalized(Tensor normalized)
    {
        RequireImages(normalized, "ResNet18");
        using var scope = NewDisposeScope();
        return Run(normalized);
    }

    internal static int StageOf(string tap) => Array.IndexOf(StageNames, tap);

    /// <inheritdoc/>
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            conv1.Dispose();
            bn1.Dispose();
            maxpool.Dispose();
            layer1?.Dispose();
            layer2?.Dispose();
            layer3?.Dispose();
            layer4?.Dispose();
        }

        base.Dispose(disposing);
    }

    private Tensor[] Run(Tensor x)
    {
        var stages = new Tensor[StageNames.Length];
        x = nn.functional.relu(bn1.call(ConvolutionOverrides.Call(conv1, x)));
        stages[0] = x;
        x = maxpool.call(x);
        Sequential?[] layers = { layer1, layer2, layer3, layer4 };
        for (int i = 0; i < layers.Length && i < deepestStage; i++)
        {
            x = layers[i]!.call(x);
            stages[i + 1] = x;
        }

        if (deepestStage == 5)
        {
            stages[5] = nn.functional.adaptive_avg_pool2d(x, new long[] { 1, 1 });
        }

        var outputs = new Tensor[tapStages.Length];
        for (int t = 0; t < tapStages.Length; t++)
        {
            outputs[t] = stages[tapStages[t]].MoveToOuterDisposeScope();
        }

        return outputs;
    }

    private void LoadFrom(WeightDictionary weights)
    {
        var owned = new List<Tensor>();
        try
        {
            ModuleWeights.LoadCore(this, ResNetWeightMap.Map(weights, state_dict(), StageNames[deepestStage], owned), weights.Source);
        }
        finally
        {
            owned.ForEach(t => t.Dispose());
        }
    }
}
