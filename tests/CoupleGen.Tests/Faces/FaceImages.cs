using System.Linq;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using SixLabors.ImageSharp.Processing;

namespace CoupleGen.Tests.Faces;

/// <summary>The public-domain portraits and the synthetic images the face tests use.</summary>
internal static class FaceImages
{
    public const string Astronaut = "Faces/astronaut.png";
    public const string GraceHopper = "Faces/grace_hopper_512x512.jpg";

    public static readonly string[] Portraits = { Astronaut, GraceHopper };

    public static Image<Rgb24> Load(string name) => Image.Load<Rgb24>(Fixtures.PathOf(name));

    /// <summary>A portrait framed by <see cref="CoupleGen.Faces.FaceFramer"/> (512x512, <see cref="CoupleGen.Faces.FaceFraming.Training"/>).</summary>
    public static Image<Rgb24> Framed(string name)
    {
        using var framer = new CoupleGen.Faces.FaceFramer();
        using var photo = Load(name);
        using var face = framer.Frame(photo, name).Single();
        return face.Image.Clone();
    }

    /// <summary>A smooth gradient with a few flat shapes: nothing face-like.</summary>
    public static Image<Rgb24> NoFace()
    {
        var image = new Image<Rgb24>(640, 480);
        image.ProcessPixelRows(rows =>
        {
            for (int y = 0; y < rows.Height; y++)
            {
                var row = rows.GetRowSpan(y);
                for (int x = 0; x < row.Length; x++)
                {
                    row[x] = new Rgb24((byte)(x * 255 / row.Length), (byte)(y * 255 / rows.Height), (byte)(((x / 80) + (y / 80)) % 2 * 120));
                }
            }
        });
        return image;
    }

    /// <summary>Both portraits side by side (astronaut left, Grace Hopper right, smaller): two faces of different sizes.</summary>
    public static Image<Rgb24> TwoFaces()
    {
        using var astronaut = Load(Astronaut);
        using var hopper = Load(GraceHopper);
        hopper.Mutate(x => x.Resize(200, 200));
        var image = new Image<Rgb24>(512 + 200, 512, new Rgb24(90, 90, 90));
        image.Mutate(x => x.DrawImage(astronaut, new Point(0, 0), 1f).DrawImage(hopper, new Point(512, 150), 1f));
        return image;
    }
}
