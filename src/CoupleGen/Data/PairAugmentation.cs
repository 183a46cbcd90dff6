using System;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using SixLabors.ImageSharp.Processing;

namespace CoupleGen.Data;

/// <summary>
/// pix2pix's <c>resize_and_crop</c> + flip, with one set of random parameters for both images of
/// a pair so that they stay aligned: bicubic resize to the load size, a random crop of the image
/// size, a random horizontal mirror.
/// </summary>
internal static class PairAugmentation
{
    public static (Image<Rgb24> A, Image<Rgb24> B) Apply(ImagePair pair, int imageSize, int loadSize, bool randomCrop, bool randomFlip, Random random)
    {
        int size = randomCrop ? loadSize : imageSize;
        int x = randomCrop ? random.Next(0, Math.Max(0, size - imageSize) + 1) : 0;
        int y = randomCrop ? random.Next(0, Math.Max(0, size - imageSize) + 1) : 0;
        bool flip = randomFlip && random.NextDouble() > 0.5;
        var crop = new Rectangle(x, y, imageSize, imageSize);

        void Transform(IImageProcessingContext context)
        {
            context.Resize(size, size, KnownResamplers.Bicubic);
            if (size != imageSize)
            {
                context.Crop(crop);
            }

            if (flip)
            {
                context.Flip(FlipMode.Horizontal);
            }
        }

        return (pair.A.Clone(Transform), pair.B.Clone(Transform));
    }
}
