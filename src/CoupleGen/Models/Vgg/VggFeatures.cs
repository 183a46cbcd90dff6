using System;
using System.Collections.Generic;
using System.Linq;
using CoupleGen.Errors;
using CoupleGen.Weights;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace CoupleGen.Models.Vgg;

/// <summary>
/// The convolutional part of VGG16 or VGG19 (torchvision's <c>features</c>, keys <c>features.0.weight</c>
/// ... <c>features.28.bias</c> for VGG16), frozen and in evaluation mode, returning the feature maps
/// named in <see cref="VggFeatureOptions.Taps"/>. Images go in as [N, 3, H, W] in [-1, 1] (generator
/// range) and are converted to the weights' convention inside.
/// </summary>
public sealed class VggFeatures : FeatureExtractor
{
    private static readonly int[] Vgg16 = { 64, 64, 0, 128, 128, 0, 256, 256, 256, 0, 512, 512, 512, 0, 512, 512, 512, 0 };
    private static readonly int[] Vgg19 = { 64, 64, 0, 128, 128, 0, 256, 256, 256, 256, 0, 512, 512, 512, 512, 0, 512, 512, 512, 512, 0 };

    private readonly Sequential features;
    private readonly int[] tapIndices;
    private readonly float[] mean;
    private readonly float[] scale;

    /// <summary>Initializes a new instance of the <see cref="VggFeatures"/> class with random weights; load real ones with <see cref="FromWeights"/>.</summary>
    /// <param name="options">Depth, taps and convention; <see langword="null"/> for defaults.</param>
    /// <exception cref="ArgumentException">An option is invalid or a tap names no layer.</exception>
    public VggFeatures(VggFeatureOptions? options = null)
        : this(options ?? new VggFeatureOptions(), widthDivisor: 1)
    {
    }

    /// <summary>The network at the width of its weights: 64 / <paramref name="widthDivisor"/> filters in the first block.</summary>
    private VggFeatures(VggFeatureOptions options, int widthDivisor)
        : base(Native.CoupleGenRuntime.InitializedName(nameof(VggFeatures)))
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        Options = options;
        int[] config = options.Depth == 16 ? Vgg16 : Vgg19;
        var layers = new List<nn.Module<Tensor, Tensor>>();
        var names = new Dictionary<string, int>(StringComparer.Ordinal);
        long channels = 3;
        int block = 1, conv = 1;
        foreach (int width in config)
        {
            if (width == 0)
            {
                layers.Add(nn.MaxPool2d(kernel_size: 2, stride: 2));
                names[$"pool{block}"] = layers.Count - 1;
                block++;
                conv = 1;
                continue;
            }

            long outChannels = Math.Max(1, width / widthDivisor);
            layers.Add(nn.Conv2d(channels, outChannels, kernel_size: 3, padding: 1));
            names[$"conv{block}_{conv}"] = layers.Count - 1;
            layers.Add(nn.ReLU());
            names[$"relu{block}_{conv}"] = layers.Count - 1;
            channels = outChannels;
            conv++;
        }

        tapIndices = options.Taps.Select(tap => names.TryGetValue(tap, out int index)
            ? index
            : throw new ArgumentException($"'{tap}' names no layer of VGG{options.Depth}; use names like relu3_1, conv4_2 or pool2.", nameof(options))).ToArray();

        // Only the layers up to the deepest tap are kept, so unused depth costs nothing.
        int keep = tapIndices.Max() + 1;
        features = nn.Sequential(layers.Take(keep));
        foreach (var unused in layers.Skip(keep))
        {
            unused.Dispose();
        }

        (mean, scale) = options.Convention == VggInputConvention.Torchvision
            ? (ImageNetMean, ImageNetStd)
            : (new[] { 103.939f / 255, 116.779f / 255, 123.68f / 255 }, new[] { 1f / 255, 1f / 255, 1f / 255 });
        RegisterComponents();
        Freeze();
    }

    /// <summary>Gets the options this module was built with.</summary>
    public VggFeatureOptions Options { get; }

    /// <inheritdoc/>
    public override IReadOnlyList<string> Taps => Options.Taps;

    /// <summary>Creates VGG features with weights from a file of any supported format, detecting its key layout; the network takes the width of the weights (64 filters in the first block, or 64 / k for narrower variants).</summary>
    /// <param name="weights">torchvision keys (<c>features.N.weight</c>, extra classifier keys ignored), tensorflow-vgg <c>vgg16.npy</c> keys (<c>conv1_1.0</c> = W in HWIO, <c>conv1_1.1</c> = b), or any other file whose convolution tensors appear in network order (ONNX model-zoo files): matched by order and shape.</param>
    /// <param name="options">Depth, taps and convention; when <see langword="null"/>, the defaults with the Caffe convention for tensorflow-vgg files.</param>
    /// <returns>The loaded, frozen module on the CPU.</returns>
    /// <exception cref="InvalidWeightsException">The weights do not fit VGG of the chosen depth.</exception>
    public static VggFeatures FromWeights(WeightDictionary weights, VggFeatureOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(weights);
        bool tensorflowVgg = weights.ContainsKey("conv1_1.0");
        options ??= new VggFeatureOptions { Convention = tensorflowVgg ? VggInputConvention.Caffe : VggInputConvention.Torchvision };
        return LoadOrDispose(new VggFeatures(options, WidthDivisor(weights, hwioKey: "conv1_1.0")), vgg => vgg.LoadFrom(weights));
    }

    /// <inheritdoc/>
    public override Tensor Normalize(Tensor images) =>
        NormalizeChannels(images, Options.InputInMinusOneToOne, Options.Convention == VggInputConvention.Caffe, mean, scale);

    /// <summary>Returns the tapped feature maps, in <see cref="VggFeatureOptions.Taps"/> order.</summary>
    /// <param name="input">Images [N, 3, H, W] in the range the options name.</param>
    /// <returns>One tensor per tap.</returns>
    /// <exception cref="ArgumentException">The input is not [N, 3, H, W].</exception>
    public override Tensor[] forward(Tensor input)
    {
        RequireImages(input, "VGG");

        using var scope = NewDisposeScope();
        var outputs = new Tensor[tapIndices.Length];
        Tensor x = Normalize(input);
        int layer = 0;
        foreach (var module in features.children())
        {
            x = ((nn.Module<Tensor, Tensor>)module).call(x);
            for (int t = 0; t < tapIndices.Length; t++)
            {
                if (tapIndices[t] == layer)
                {
                    outputs[t] = x;
                }
            }

            layer++;
        }

        foreach (var output in outputs)
        {
            output.MoveToOuterDisposeScope();
        }

        return outputs;
    }

    /// <inheritdoc/>
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            features.Dispose();
        }

        base.Dispose(disposing);
    }

    private void LoadFrom(WeightDictionary weights)
    {
        var expected = state_dict().Keys.ToList();
        if (weights.ContainsKey("features.0.weight"))
        {
            ModuleWeights.Load(this, weights, new WeightLoadOptions
            {
                Strict = false,
                KeyMap = key => key.StartsWith("features.", StringComparison.Ordinal) && expected.Contains(key) ? key : null,
            });
            RequireAll(weights, expected, weights.Keys.Where(expected.Contains));
            return;
        }

        var convolutions = features.children().Select((module, index) => (module, index)).Where(m => m.module is Conv2d).ToList();
        var mapped = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        var owned = new List<Tensor>();
        try
        {
            if (weights.ContainsKey("conv1_1.0"))
            {
                int block = 1, conv = 1;
                foreach (var (_, index) in convolutions)
                {
                    string name = $"conv{block}_{conv}";
                    if (!weights.TryGetValue(name + ".0", out Tensor? w) || !weights.TryGetValue(name + ".1", out Tensor? b))
                    {
                        throw new InvalidWeightsException(weights.Source, $"the tensorflow-vgg file has no '{name}' layer.");
                    }

                    Tensor oihw = w.dim() == 4 ? w.permute(3, 2, 0, 1).contiguous() : throw new InvalidWeightsException(weights.Source, $"'{name}' weights are not 4-dimensional (HWIO).");
                    owned.Add(oihw);
                    mapped[$"features.{index}.weight"] = oihw;
                    mapped[$"features.{index}.bias"] = b;
                    (block, conv) = NextConv(index, block, conv);
                }
            }
            else
            {
                // By order and shape: the i-th 4-D tensor whose shape fits the i-th convolution, and the
                // 1-D tensor right after it as its bias. Classifier tensors never fit and are skipped.
                var order = weights.Order.ToList();
                int cursor = 0;
                foreach (var (module, index) in convolutions)
                {
                    var convolution = (Conv2d)module;
                    long[] shape = convolution.weight!.shape;
                    while (cursor < order.Count && !weights[order[cursor]].shape.SequenceEqual(shape))
                    {
                        cursor++;
                    }

                    if (cursor + 1 >= order.Count || weights[order[cursor + 1]].shape.SequenceEqual(new[] { shape[0] }) is false)
                    {
                        throw new InvalidWeightsException(weights.Source, $"no weight of shape [{string.Join(", ", shape)}] followed by a bias was found for convolution {index} (mapping by order and shape).");
                    }

                    mapped[$"features.{index}.weight"] = weights[order[cursor]];
                    mapped[$"features.{index}.bias"] = weights[order[cursor + 1]];
                    cursor += 2;
                }
            }

            ModuleWeights.LoadCore(this, mapped, weights.Source);
        }
        finally
        {
            owned.ForEach(t => t.Dispose());
        }
    }

    private (int Block, int Conv) NextConv(int index, int block, int conv)
    {
        var children = features.children().ToList();
        for (int i = index + 1; i < children.Count; i++)
        {
            if (children[i] is MaxPool2d)
            {
                return (block + 1, 1);
            }

            if (children[i] is Conv2d)
            {
                break;
            }
        }

        return (block, conv + 1);
    }

    private static void RequireAll(WeightDictionary weights, List<string> expected, IEnumerable<string> found)
    {
        var missing = expected.Except(found).ToList();
        if (missing.Count > 0)
        {
            throw new InvalidWeightsException(weights.Source, $"the torchvision-style file lacks {string.Join(", ", missing.Take(5))}{(missing.Count > 5 ? ", ..." : string.Empty)}.");
        }
    }
}
