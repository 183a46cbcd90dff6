using System;
using System.Collections.Generic;
using System.Runtime.InteropServices;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Advanced;
using SixLabors.ImageSharp.PixelFormats;
using CoupleGen.Native;
using TorchSharp;
using static TorchSharp.torch;

namespace CoupleGen.Imaging;

/// <summary>
/// Converts between RGB images and the networks' tensors: [3, H, W] (or [N, 3, H, W]) float32 in
/// [-1, 1], pixel value v mapped to v / 127.5 - 1. Pixels move as one block copy each way; the
/// arithmetic runs in libtorch.
/// </summary>
public static class ImageTensor
{
    /// <summary>Converts an image to a [3, H, W] float32 tensor in [-1, 1] on <paramref name="device"/>.</summary>
    /// <param name="image">The image.</param>
    /// <param name="device">Where the tensor goes; <see langword="null"/> for the CPU.</param>
    /// <returns>A new tensor the caller owns.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="image"/> is null.</exception>
    public static Tensor ToTensor(Image<Rgb24> image, Device? device = null)
    {
        ArgumentNullException.ThrowIfNull(image);
        using var scope = NewDisposeScope();
        Tensor chw = ToDevice(Bytes(image), device).permute(2, 0, 1).to_type(ScalarType.Float32).div_(Scalars.PixelScale).sub_(Scalars.One);
        return chw.MoveToOuterDisposeScope();
    }

    /// <summary>Stacks images of one size into a [N, 3, H, W] float32 tensor in [-1, 1].</summary>
    /// <param name="images">The images, all of the same size.</param>
    /// <param name="device">Where the tensor goes; <see langword="null"/> for the CPU.</param>
    /// <returns>A new tensor the caller owns.</returns>
    /// <exception cref="ArgumentException">The list is empty or the sizes differ.</exception>
    public static Tensor ToBatch(IReadOnlyList<Image<Rgb24>> images, Device? device = null)
    {
        ArgumentNullException.ThrowIfNull(images);
        if (images.Count == 0)
        {
            throw new ArgumentException("At least one image is needed.", nameof(images));
        }

        int width = images[0].Width, height = images[0].Height;
        int plane = checked(width * height * 3);
        for (int i = 0; i < images.Count; i++)
        {
            if (images[i].Width != width || images[i].Height != height)
            {
                throw new ArgumentException($"Image {i} is {images[i].Width}x{images[i].Height}; the batch is {width}x{height}.", nameof(images));
            }
        }

        using var scope = NewDisposeScope();

        // Pixels go straight into the tensor's memory: a managed staging array of this size would land on
        // the large-object heap and cost a gen-2 collection every few calls.
        _ = checked(plane * images.Count); // the batch's bytes must be addressable as one span
        Tensor bytes = empty(new long[] { images.Count, height, width, 3 }, ScalarType.Byte);
        Span<byte> pixels = bytes.bytes;
        for (int i = 0; i < images.Count; i++)
        {
            images[i].CopyPixelDataTo(pixels.Slice(i * plane, plane));
        }

        Tensor nchw = ToDevice(bytes, device).permute(0, 3, 1, 2).to_type(ScalarType.Float32).div_(Scalars.PixelScale).sub_(Scalars.One);
        return nchw.MoveToOuterDisposeScope();
    }

    /// <summary>Converts an image to a [1, 3, H, W] float32 CPU tensor of its raw values, 0-255 (for image measures).</summary>
    /// <param name="image">The image.</param>
    /// <returns>A new tensor the caller owns.</returns>
    internal static Tensor ToPixels(Image<Rgb24> image)
    {
        using var scope = NewDisposeScope();
        return Bytes(image).permute(2, 0, 1).unsqueeze(0).to_type(ScalarType.Float32).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Places images into the top-left-anchored squares of a [N, 3, side, side] float32 batch as networks trained on
    /// raw pixels expect them: (v - mean[channel]) / 255, with black (0 before the mean) where no image is, as
    /// face-api.js pads. Image i lands at its offset in square i; pixels move as one block copy per row.
    /// </summary>
    /// <param name="images">Each image with the offset of its top-left corner; each must fit in the square there.</param>
    /// <param name="side">The side of the squares.</param>
    /// <param name="mean">The per-channel (R, G, B) means to subtract, in 0-255.</param>
    /// <returns>A new CPU tensor the caller owns.</returns>
    internal static Tensor ToPaddedBatch(IReadOnlyList<(Image<Rgb24> Image, int OffsetX, int OffsetY)> images, int side, IReadOnlyList<float> mean)
    {
        using var scope = NewDisposeScope();
        Tensor bytes = zeros(new long[] { images.Count, side, side, 3 }, ScalarType.Byte);
        Span<byte> pixels = bytes.bytes;
        int square = checked(side * side * 3);
        for (int i = 0; i < images.Count; i++)
        {
            var (image, offsetX, offsetY) = images[i];
            if (offsetX < 0 || offsetY < 0 || offsetX + image.Width > side || offsetY + image.Height > side)
            {
                throw new ArgumentException($"Image {i} ({image.Width}x{image.Height} at {offsetX}, {offsetY}) does not fit a {side}x{side} square.", nameof(images));
            }

            Span<byte> target = pixels.Slice(i * square, square);
            for (int y = 0; y < image.Height; y++)
            {
                MemoryMarshal.AsBytes(image.DangerousGetPixelRowMemory(y).Span).CopyTo(target[((((y + offsetY) * side) + offsetX) * 3)..]);
            }
        }

        Tensor means = tensor(new[] { mean[0], mean[1], mean[2] }, new long[] { 1, 3, 1, 1 });
        // Made contiguous while still bytes: a quarter of the memory traffic of reordering the floats afterwards.
        Tensor nchw = bytes.permute(0, 3, 1, 2).contiguous().to_type(ScalarType.Float32).sub_(means).div_(Scalars.Of(255));
        return nchw.MoveToOuterDisposeScope();
    }

    /// <summary>An image's pixels as an [H, W, 3] byte tensor, in one block copy.</summary>
    private static Tensor Bytes(Image<Rgb24> image)
    {
        Tensor bytes = empty(new long[] { image.Height, image.Width, 3 }, ScalarType.Byte);
        image.CopyPixelDataTo(bytes.bytes);
        return bytes;
    }

    /// <summary>
    /// Moves 8-bit pixels to the target device before converting them (a quarter of the float32
    /// bytes cross the bus); to a GPU through pinned memory so that the copy can run asynchronously.
    /// </summary>
    private static Tensor ToDevice(Tensor bytes, Device? device)
    {
        if (device is null || device.type == DeviceType.CPU)
        {
            return bytes;
        }

        return device.type == DeviceType.CUDA ? bytes.pin_memory().to(device, non_blocking: true) : bytes.to(device);
    }

    /// <summary>Converts a [3, H, W] tensor in [-1, 1] (on any device) to an RGB image; values outside are clamped.</summary>
    /// <param name="tensor">The tensor.</param>
    /// <returns>A new image the caller owns.</returns>
    /// <exception cref="ArgumentException">The tensor is not [3, H, W].</exception>
    public static Image<Rgb24> ToImage(Tensor tensor)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        if (tensor.dim() != 3 || tensor.shape[0] != 3)
        {
            throw new ArgumentException($"Expected a [3, H, W] tensor; got [{string.Join(", ", tensor.shape)}].", nameof(tensor));
        }

        using var scope = NewDisposeScope();
        Tensor hwc = tensor.detach().add(Scalars.One, Scalars.One).mul_(Scalars.PixelScale).round_().clamp_(Scalars.Zero, Scalars.PixelMax).to_type(ScalarType.Byte).permute(1, 2, 0).contiguous().cpu();
        return Image.LoadPixelData<Rgb24>(hwc.bytes, (int)tensor.shape[2], (int)tensor.shape[1]);
    }

    /// <summary>Converts each image of a [N, 3, H, W] tensor in [-1, 1] to an RGB image.</summary>
    /// <param name="batch">The batch.</param>
    /// <returns>New images the caller owns.</returns>
    /// <exception cref="ArgumentException">The tensor is not [N, 3, H, W].</exception>
    public static Image<Rgb24>[] ToImages(Tensor batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        if (batch.dim() != 4 || batch.shape[1] != 3)
        {
            throw new ArgumentException($"Expected a [N, 3, H, W] tensor; got [{string.Join(", ", batch.shape)}].", nameof(batch));
        }

        using var scope = NewDisposeScope();
        int count = (int)batch.shape[0], height = (int)batch.shape[2], width = (int)batch.shape[3];
        int plane = checked(width * height * 3);
        Tensor nhwc = batch.detach().add(Scalars.One, Scalars.One).mul_(Scalars.PixelScale).round_().clamp_(Scalars.Zero, Scalars.PixelMax).to_type(ScalarType.Byte).permute(0, 2, 3, 1).contiguous().cpu();
        // Straight from the tensor's memory: TorchSharp's element accessor (data<byte>()) walks the
        // tensor element by element, about 40x slower than this copy (15 ms for eight 256x256 images).
        ReadOnlySpan<byte> pixels = nhwc.bytes;
        var images = new Image<Rgb24>[count];
        for (int i = 0; i < count; i++)
        {
            images[i] = Image.LoadPixelData<Rgb24>(pixels.Slice(i * plane, plane), width, height);
        }

        return images;
    }
}
