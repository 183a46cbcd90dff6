using System;
using CoupleGen.Imaging;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using TorchSharp;
using static TorchSharp.torch;
using CoupleGen.Native;

namespace CoupleGen.Evaluation;

/// <summary>
/// Image similarity measures between two RGB images of one size, computed in libtorch on the CPU.
/// </summary>
public static class ImageMetrics
{
    private const int SsimWindow = 11;
    private const double SsimSigma = 1.5;
    private const double K1 = 0.01;
    private const double K2 = 0.03;
    private static readonly float[] LumaWeights = { 0.299f, 0.587f, 0.114f };
    private static readonly float[] Laplacian = { 0, 1, 0, 1, -4, 1, 0, 1, 0 };

    /// <summary>Mean absolute difference in the networks' [-1, 1] units (the L1 that training minimises).</summary>
    /// <param name="a">One image.</param>
    /// <param name="b">The other image, of the same size.</param>
    /// <returns>A value in [0, 2]; 0 for identical images.</returns>
    /// <exception cref="ArgumentException">The sizes differ.</exception>
    public static double L1(Image<Rgb24> a, Image<Rgb24> b)
    {
        using var scope = NewDisposeScope();
        var (x, y) = Pair(a, b);
        return (x - y).abs().mean().item<float>() / 127.5;
    }

    /// <summary>Peak signal-to-noise ratio in dB for 8-bit images (peak 255); +infinity for identical images.</summary>
    /// <param name="a">One image.</param>
    /// <param name="b">The other image, of the same size.</param>
    /// <returns>PSNR in decibels.</returns>
    /// <exception cref="ArgumentException">The sizes differ.</exception>
    public static double Psnr(Image<Rgb24> a, Image<Rgb24> b)
    {
        using var scope = NewDisposeScope();
        var (x, y) = Pair(a, b);
        double mse = (x - y).square().mean().item<float>();
        return mse == 0 ? double.PositiveInfinity : 10 * Math.Log10(255.0 * 255.0 / mse);
    }

    /// <summary>
    /// Structural similarity (Wang et al. 2004) with the paper's constants: an 11x11 Gaussian window
    /// (sigma 1.5), K1 = 0.01, K2 = 0.03, dynamic range 255, computed per RGB channel over the "valid"
    /// window positions (no padding) and averaged over positions and channels.
    /// </summary>
    /// <param name="a">One image, at least 11x11.</param>
    /// <param name="b">The other image, of the same size.</param>
    /// <returns>SSIM in [-1, 1]; 1 for identical images.</returns>
    /// <exception cref="ArgumentException">The sizes differ or the images are smaller than the window.</exception>
    public static double Ssim(Image<Rgb24> a, Image<Rgb24> b)
    {
        if (a.Width < SsimWindow || a.Height < SsimWindow)
        {
            throw new ArgumentException($"SSIM needs images of at least {SsimWindow}x{SsimWindow}.", nameof(a));
        }

        using var scope = NewDisposeScope();
        var (x, y) = Pair(a, b);
        Tensor window = GaussianWindow().expand(3, 1, SsimWindow, SsimWindow);
        Tensor Blur(Tensor t) => nn.functional.conv2d(t, window, groups: 3);
        Tensor muX = Blur(x), muY = Blur(y);
        Tensor sigmaX = Blur(x * x).sub(muX * muX);
        Tensor sigmaY = Blur(y * y).sub(muY * muY);
        Tensor sigmaXY = Blur(x * y).sub(muX * muY);
        Scalar two = Native.Scalars.Of(2), c1 = Native.Scalars.Of(Math.Pow(K1 * 255, 2)), c2 = Native.Scalars.Of(Math.Pow(K2 * 255, 2));
        Tensor numerator = (muX * muY).mul(two).add(c1, Native.Scalars.One) * sigmaXY.mul(two).add(c2, Native.Scalars.One);
        Tensor denominator = (muX * muX).Plus(muY * muY).add(c1, Native.Scalars.One) * sigmaX.Plus(sigmaY).add(c2, Native.Scalars.One);
        Tensor map = numerator / denominator;
        return map.mean().item<float>();
    }

    /// <summary>
    /// Sharpness as the variance of the Laplacian (3x3, 4-neighbour) of the luma (BT.601 weights, 0-255),
    /// over the valid positions: blur lowers it, noise and checkerboard texture raise it, so it is read as a
    /// ratio to real photos' (<see cref="QualityRow.Sharpness"/>).
    /// </summary>
    /// <param name="image">An image of at least 3x3.</param>
    /// <returns>The variance in squared 8-bit levels.</returns>
    /// <exception cref="ArgumentException">The image is smaller than 3x3.</exception>
    public static double LaplacianVariance(Image<Rgb24> image)
    {
        ArgumentNullException.ThrowIfNull(image);
        if (image.Width < 3 || image.Height < 3)
        {
            throw new ArgumentException("The Laplacian needs an image of at least 3x3.", nameof(image));
        }

        using var scope = NewDisposeScope();
        Tensor luma = nn.functional.conv2d(Pixels(image), torch.tensor(LumaWeights, new long[] { 1, 3, 1, 1 }));
        Tensor kernel = torch.tensor(Laplacian, new long[] { 1, 1, 3, 3 });
        return nn.functional.conv2d(luma, kernel).var().item<float>();
    }

    private static Tensor GaussianWindow()
    {
        var weights = new float[SsimWindow];
        double sum = 0;
        for (int i = 0; i < SsimWindow; i++)
        {
            double d = i - (SsimWindow / 2);
            weights[i] = (float)Math.Exp(-(d * d) / (2 * SsimSigma * SsimSigma));
            sum += weights[i];
        }

        Tensor line = torch.tensor(weights).div_(Native.Scalars.Of(sum));
        return line.outer(line).reshape(1, 1, SsimWindow, SsimWindow);
    }

    private static (Tensor X, Tensor Y) Pair(Image<Rgb24> a, Image<Rgb24> b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        if (a.Size() != b.Size())
        {
            throw new ArgumentException($"The images differ in size: {a.Width}x{a.Height} and {b.Width}x{b.Height}.", nameof(b));
        }

        return (Pixels(a), Pixels(b));
    }

    /// <summary>[1, 3, H, W] float32 in [0, 255].</summary>
    private static Tensor Pixels(Image<Rgb24> image) => ImageTensor.ToPixels(image);
}
