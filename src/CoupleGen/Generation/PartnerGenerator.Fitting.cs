using System.Collections.Generic;
using System.Linq;
using System.Numerics;
using CoupleGen.Faces;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using SixLabors.ImageSharp.Processing;

namespace CoupleGen.Generation;

/// <content>Fitting inputs to the model: upright, framed or resized to ImageSize.</content>
public sealed partial class PartnerGenerator
{
    /// <summary>Frames the face of <paramref name="source"/> at ImageSize, or only fits it when <paramref name="frame"/> is false.</summary>
    private Image<Rgb24> FrameOrFit(Image source, string name, bool frame, out DetectedFace? face, out Matrix3x2? transform)
    {
        face = null;
        transform = null;
        if (!frame)
        {
            return Fit(source);
        }

        Image<Rgb24> upright = UprightCopy(source);
        IReadOnlyList<FramedFace> framed;
        try
        {
            framed = framer.Value.Frame(upright, name);
        }
        finally
        {
            upright.Dispose();
        }

        foreach (FramedFace other in framed.Skip(1))
        {
            other.Dispose();
        }

        face = framed[0].Face;
        transform = framed[0].Transform;
        return framed[0].Image;
    }

    /// <summary>An upright RGB copy of <paramref name="source"/> resized to ImageSize as <see cref="PartnerGeneratorOptions.ResizeMode"/> says (bicubic).</summary>
    internal Image<Rgb24> Fit(Image source)
    {
        var resize = new ResizeOptions
        {
            Size = new SixLabors.ImageSharp.Size(ImageSize, ImageSize),
            Mode = options.ResizeMode,
            Sampler = KnownResamplers.Bicubic,
            PadColor = Color.Black,
        };
        Image<Rgb24> rgb = UprightCopy(source);
        rgb.Mutate(x => x.Resize(resize));
        return rgb;
    }

    /// <summary>An RGB copy of <paramref name="source"/> turned upright by its EXIF orientation.</summary>
    private static Image<Rgb24> UprightCopy(Image source)
    {
        Image<Rgb24> rgb = source as Image<Rgb24> is { } same ? same.Clone() : source.CloneAs<Rgb24>();
        try
        {
            rgb.Mutate(x => x.AutoOrient());
            return rgb;
        }
        catch
        {
            rgb.Dispose();
            throw;
        }
    }
}
