using System;
using System.Collections.Generic;
using CoupleGen.Models;
using CoupleGen.Models.Vgg;
using TorchSharp;
using static TorchSharp.torch;
using CoupleGen.Native;
using CoupleGen.Precision;

namespace CoupleGen.Losses;

/// <summary>
/// A feature (perceptual) loss: the weighted sum over the taps of the distance between the features of
/// the generated and the target image. Target features carry no gradient; the network is frozen. The
/// backbone is VGG16 (<see cref="VggFeatures"/>, the original CoupleGenerator's choice) or, for users
/// without VGG weights, ResNet18 (<see cref="Models.ResNet.ResNetFeatures"/>). The caller owns the
/// network and disposes it.
/// </summary>
public sealed class PerceptualLoss : IDisposable
{
    private readonly double[] tapWeights;
    private readonly bool ownsFeatures;
    private readonly InferencePrecision requestedPrecision;
    private readonly object gate = new();
    private InferencePrecision? precision;

    /// <summary>Initializes a new instance of the <see cref="PerceptualLoss"/> class.</summary>
    /// <param name="features">A network with real weights, e.g. from <see cref="VggFeatures.FromWeights"/> or <see cref="Models.ResNet.ResNetFeatures.FromWeights"/>.</param>
    /// <param name="distance">How feature maps are compared. Default: mean squared error.</param>
    /// <param name="tapWeights">One weight per tap of <paramref name="features"/>; <see langword="null"/> for 1 each.</param>
    /// <exception cref="ArgumentException">The weights do not match the taps.</exception>
    /// <param name="precision">
    /// The number format the frozen network computes in. <see cref="InferencePrecision.Auto"/> (default) uses
    /// bfloat16 with channels-last weights when the images are on a CPU with native bfloat16 (AVX512-BF16 or
    /// AMX), which halves its forward and backward time; the network is then converted in place on first use,
    /// and the distances are still summed in FP32.
    /// </param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="precision"/> is not defined.</exception>
    public PerceptualLoss(FeatureExtractor features, PerceptualDistance distance = PerceptualDistance.MeanSquaredError, IReadOnlyList<double>? tapWeights = null, InferencePrecision precision = InferencePrecision.Auto)
    {
        ArgumentNullException.ThrowIfNull(features);
        if (!Enum.IsDefined(precision))
        {
            throw new ArgumentOutOfRangeException(nameof(precision), precision, "Use Auto, Fp32 or Bf16.");
        }

        Features = features;
        Distance = distance;
        requestedPrecision = precision;
        int taps = features.Taps.Count;
        this.tapWeights = tapWeights is null ? Array.ConvertAll(new double[taps], _ => 1.0) : new List<double>(tapWeights).ToArray();
        if (this.tapWeights.Length != taps)
        {
            throw new ArgumentException($"{this.tapWeights.Length} tap weights were given for {taps} taps.", nameof(tapWeights));
        }
    }

    /// <summary>
    /// Creates the original CoupleGenerator's feature loss F from VGG16 weights (tensorflow-vgg's
    /// <c>vgg16.npy</c> as the original used, or any format <see cref="VggFeatures.FromWeights"/> reads):
    /// taps relu3_1, relu3_2 and relu3_3 summed, distance <see cref="PerceptualDistance.CoupleGenerator"/>.
    /// </summary>
    /// <param name="vgg16">The VGG16 weights.</param>
    /// <param name="reproduceRangeQuirk">Feed [-1, 1] images into the [0, 1] pipeline as the original did (default), or convert them correctly.</param>
    /// <returns>A loss that owns (and disposes) its VGG.</returns>
    /// <exception cref="Errors.InvalidWeightsException">The weights are not VGG16's.</exception>
    public static PerceptualLoss ForCoupleGenerator(Weights.WeightDictionary vgg16, bool reproduceRangeQuirk = true)
    {
        ArgumentNullException.ThrowIfNull(vgg16);
        var options = new VggFeatureOptions
        {
            Taps = new[] { "relu3_1", "relu3_2", "relu3_3" },
            Convention = vgg16.ContainsKey("conv1_1.0") ? VggInputConvention.Caffe : VggInputConvention.Torchvision,
            InputInMinusOneToOne = !reproduceRangeQuirk,
        };
        return new PerceptualLoss(VggFeatures.FromWeights(vgg16, options), PerceptualDistance.CoupleGenerator, ownsFeatures: true);
    }

    internal PerceptualLoss(FeatureExtractor features, PerceptualDistance distance, bool ownsFeatures)
        : this(features, distance)
    {
        this.ownsFeatures = ownsFeatures;
    }

    /// <summary>Gets the feature network.</summary>
    public FeatureExtractor Features { get; }

    /// <summary>Gets how feature maps are compared.</summary>
    public PerceptualDistance Distance { get; }

    /// <summary>
    /// Gets the number format the network computes in: the one asked for until the first
    /// <see cref="Compute"/>, which resolves <see cref="InferencePrecision.Auto"/> from the images' device.
    /// </summary>
    public InferencePrecision Precision => precision ?? requestedPrecision;

    /// <summary>Computes the loss of <paramref name="generated"/> against <paramref name="target"/>, both [N, 3, H, W] in the network's input range.</summary>
    /// <param name="generated">The generator's output; gradients flow back into it.</param>
    /// <param name="target">The real images.</param>
    /// <returns>A scalar tensor.</returns>
    public Tensor Compute(Tensor generated, Tensor target)
    {
        ArgumentNullException.ThrowIfNull(generated);
        ArgumentNullException.ThrowIfNull(target);
        // Before the scope: converting the network replaces its parameters, which the scope must not own.
        Prepare(generated.device);
        using var scope = NewDisposeScope();
        Tensor[] real;
        using (torch.no_grad())
        {
            real = Features.Extract(target);
        }

        Tensor[] fake = Features.Extract(generated);
        if (Distance == PerceptualDistance.CoupleGenerator)
        {
            Tensor difference = Sum(real).sub(Sum(fake));
            return difference.square().sum().mul(Native.Scalars.Half).sqrt().MoveToOuterDisposeScope();
        }

        Tensor total = torch.zeros(Array.Empty<long>(), device: generated.device);
        for (int i = 0; i < fake.Length; i++)
        {
            Tensor distance = Distance == PerceptualDistance.MeanSquaredError
                ? nn.functional.mse_loss(fake[i], real[i])
                : nn.functional.l1_loss(fake[i], real[i]);
            total = total.Plus(distance.mul(Native.Scalars.Of(tapWeights[i])));
        }

        return total.MoveToOuterDisposeScope();
    }

    private void Prepare(Device device)
    {
        lock (gate)
        {
            if (precision is not null)
            {
                return;
            }

            InferencePrecision resolved = BFloat16Inference.Resolve(requestedPrecision, device);
            if (resolved == InferencePrecision.Bf16)
            {
                BFloat16Inference.Convert(Features);
            }

            precision = resolved;
        }
    }

    /// <summary>Disposes the feature network if this loss created it.</summary>
    public void Dispose()
    {
        if (ownsFeatures)
        {
            Features.Dispose();
        }
    }

    private static Tensor Sum(Tensor[] maps)
    {
        Tensor sum = maps[0];
        for (int i = 1; i < maps.Length; i++)
        {
            if (!maps[i].shape.AsSpan().SequenceEqual(sum.shape))
            {
                throw new InvalidOperationException("The CoupleGenerator distance sums the tapped maps, so they must have one shape (taps of one VGG block).");
            }

            sum = sum.Plus(maps[i]);
        }

        return sum;
    }
}
