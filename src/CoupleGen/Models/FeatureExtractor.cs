using System;
using System.Collections.Generic;
using System.Linq;
using TorchSharp;
using static TorchSharp.torch;
using CoupleGen.Precision;

namespace CoupleGen.Models;

/// <summary>
/// A frozen image network that returns named intermediate feature maps ("taps"): the backbone of a
/// <see cref="Losses.PerceptualLoss"/> and of the perceptual distance in quality reports. Images go in
/// as [N, 3, H, W] in the generator's [-1, 1] range and are converted to the weights' convention inside.
/// </summary>
public abstract class FeatureExtractor : nn.Module<Tensor, Tensor[]>
{
    /// <summary>ImageNet's per-channel RGB mean, the torchvision convention.</summary>
    private protected static readonly float[] ImageNetMean = { 0.485f, 0.456f, 0.406f };

    /// <summary>ImageNet's per-channel RGB standard deviation, the torchvision convention.</summary>
    private protected static readonly float[] ImageNetStd = { 0.229f, 0.224f, 0.225f };

    /// <summary>Initializes a new instance of the <see cref="FeatureExtractor"/> class.</summary>
    /// <param name="name">The module name.</param>
    protected FeatureExtractor(string name)
        : base(name)
    {
    }

    /// <summary>Gets the names of the feature maps <see cref="nn.Module{T, TResult}.forward"/> returns, in order.</summary>
    public abstract IReadOnlyList<string> Taps { get; }

    /// <summary>
    /// Runs the network on FP32 images whatever number format it computes in: a network that a
    /// <see cref="Losses.PerceptualLoss"/> converted to bfloat16 gets bfloat16 channels-last images, and
    /// its maps come back in FP32. Gradients flow back into <paramref name="images"/> when they require them.
    /// Use it instead of <c>call</c> wherever the network may be shared with a loss.
    /// </summary>
    /// <param name="images">[N, 3, H, W] RGB in [-1, 1] on the network's device.</param>
    /// <returns>The taps' maps in FP32, in the order of <see cref="Taps"/>.</returns>
    /// <exception cref="ArgumentException">The input is not a batch of RGB images.</exception>
    public Tensor[] Extract(Tensor images)
    {
        RequireImages(images, GetName());
        if (!ComputesInBFloat16)
        {
            return call(images);
        }

        using var scope = NewDisposeScope();
        Tensor[] maps = call(BFloat16Inference.ToInput(images));
        return Array.ConvertAll(maps, map => map.to(ScalarType.Float32).MoveToOuterDisposeScope());
    }

    /// <summary>Gets a value indicating whether the weights are bfloat16 (see <see cref="BFloat16Inference.Convert"/>).</summary>
    internal bool ComputesInBFloat16 => parameters().FirstOrDefault()?.dtype == ScalarType.BFloat16;

    /// <summary>Converts images to the weights' input convention.</summary>
    /// <param name="images">[N, 3, H, W] RGB in [-1, 1] (or [0, 1] when the options say so).</param>
    /// <returns>A new tensor.</returns>
    public abstract Tensor Normalize(Tensor images);

    /// <summary>Loads weights into a freshly built network, disposing it if loading fails.</summary>
    /// <typeparam name="T">The network type.</typeparam>
    /// <param name="network">The new network.</param>
    /// <param name="load">Copies the weights in.</param>
    /// <returns><paramref name="network"/>.</returns>
    private protected static T LoadOrDispose<T>(T network, Action<T> load)
        where T : FeatureExtractor
    {
        try
        {
            load(network);
            return network;
        }
        catch
        {
            network.Dispose();
            throw;
        }
    }

    /// <summary>
    /// How much narrower than the published network (first convolution: 64 filters) the weights are: their first
    /// 4-D kernel's output channels, or the HWIO <paramref name="hwioKey"/>'s, divide 64 by this. 1 when they do not divide it,
    /// so weights of another shape fail to load with a message naming the mismatch.
    /// </summary>
    private protected static int WidthDivisor(Weights.WeightDictionary weights, string? hwioKey = null)
    {
        long width = hwioKey is not null && weights.TryGetValue(hwioKey, out Tensor? hwio) && hwio.dim() == 4
            ? hwio.shape[3]
            : weights.Order.Select(key => weights[key]).FirstOrDefault(tensor => tensor.dim() == 4)?.shape[0] ?? 64;
        return width is > 0 and < 64 && 64 % width == 0 ? (int)(64 / width) : 1;
    }

    /// <summary>Freezes every parameter and switches to evaluation mode; call at the end of a constructor.</summary>
    protected void Freeze()
    {
        eval();
        foreach (var parameter in parameters())
        {
            parameter.requires_grad = false;
        }
    }

    /// <summary>
    /// The conversion every ImageNet convention shares: to [0, 1] if needed, optionally RGB to BGR, then
    /// (x - mean) / scale per channel, with mean and scale in [0, 1] units.
    /// </summary>
    /// <param name="images">[N, 3, H, W] RGB.</param>
    /// <param name="inputInMinusOneToOne">Whether <paramref name="images"/> are in [-1, 1].</param>
    /// <param name="bgr">Whether the weights expect BGR channel order.</param>
    /// <param name="mean">Per-channel mean in the weights' channel order, [0, 1] units.</param>
    /// <param name="scale">Per-channel divisor in the weights' channel order, [0, 1] units.</param>
    /// <returns>A new tensor.</returns>
    protected static Tensor NormalizeChannels(Tensor images, bool inputInMinusOneToOne, bool bgr, float[] mean, float[] scale)
    {
        ArgumentNullException.ThrowIfNull(images);
        using var scope = NewDisposeScope();
        Tensor unit = inputInMinusOneToOne ? images.add(Native.Scalars.One, Native.Scalars.One).mul(Native.Scalars.Half) : images.alias();
        if (bgr)
        {
            unit = unit.flip(1);
        }

        // In the images' own type, so a bfloat16 network gets bfloat16 inputs.
        Tensor m = torch.tensor(mean, new long[] { 1, 3, 1, 1 }, device: images.device).to(images.dtype);
        Tensor s = torch.tensor(scale, new long[] { 1, 3, 1, 1 }, device: images.device).to(images.dtype);
        return unit.sub(m).div(s).MoveToOuterDisposeScope();
    }

    /// <summary>Checks that <paramref name="input"/> is a batch of RGB images.</summary>
    /// <param name="input">The tensor to check.</param>
    /// <param name="network">The network's name for the message.</param>
    /// <exception cref="ArgumentException">The input is not [N, 3, H, W].</exception>
    protected static void RequireImages(Tensor input, string network)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (input.dim() != 4 || input.shape[1] != 3)
        {
            throw new ArgumentException($"{network} expects [N, 3, H, W] images; got [{string.Join(", ", input.shape)}].", nameof(input));
        }
    }
}
