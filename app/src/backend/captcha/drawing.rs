//! Drawing the picture: the characters in the captcha crate's font, each turned, lifted and
//! spaced a little, on a plain background crossed by a few thin lines and specks that keep a
//! pixel away from every stroke, so nothing ever hides part of a character.
//!
//! The same seed always draws the same picture (fetching it again shows nothing new to average
//! away), and both colour schemes draw the same pixels: only the palette differs.

use std::f32::consts::TAU;

use ::captcha::RngCaptcha;
use rand_09::{rngs::StdRng, Rng as _, SeedableRng as _};

pub const WIDTH: usize = 220;
pub const HEIGHT: usize = 100;

/// The largest enlargement of the font, which is drawn about 40 pixels high.
const MAX_SCALE: f32 = 1.5;
/// Paper kept clear around the characters, so turning and lifting never clips them.
const MARGIN: f32 = 10.0;
const LINES: usize = 2;
const SPECKS: usize = 24;

/// How the page around the picture is coloured (`prefers-color-scheme`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Scheme {
    #[default]
    Light,
    Dark,
}

/// What each pixel of a picture is; its index in the PNG's palette.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u8)]
pub(super) enum Paint {
    Paper = 0,
    Noise = 1,
    Ink = 2,
}

impl Scheme {
    /// The colours of [`Paint`], in its order: the page's own card and text colours
    /// (`--surface`, `--text` in style/main.css), and the noise in between.
    fn palette(self) -> [[u8; 3]; 3] {
        match self {
            Self::Light => [[0xff, 0xff, 0xff], [0x8c, 0x95, 0x9f], [0x1f, 0x23, 0x28]],
            Self::Dark => [[0x16, 0x1b, 0x22], [0x54, 0x5d, 0x68], [0xe6, 0xed, 0xf3]],
        }
    }
}

/// A drawn picture, before it is coloured.
pub(super) struct Picture {
    /// Row by row, `WIDTH` × `HEIGHT`.
    pub(super) pixels: Vec<Paint>,
    /// Which pixels the characters' strokes cover, before anything else was drawn.
    pub(super) strokes: Vec<bool>,
}

impl Picture {
    /// The picture in `scheme`'s colours, as an indexed PNG (a few kilobytes).
    pub(super) fn png(&self, scheme: Scheme) -> Option<Vec<u8>> {
        let mut out = Vec::new();
        let mut encoder = png::Encoder::new(&mut out, WIDTH as u32, HEIGHT as u32);
        encoder.set_color(png::ColorType::Indexed);
        encoder.set_depth(png::BitDepth::Eight);
        encoder.set_palette(scheme.palette().concat());
        let mut writer = encoder.write_header().ok()?;
        let indices: Vec<u8> = self.pixels.iter().map(|paint| *paint as u8).collect();
        writer.write_image_data(&indices).ok()?;
        writer.finish().ok()?;
        Some(out)
    }
}

/// Draws `text`, laid out and speckled by `seed`; `None` if the font lacks a character.
pub(super) fn draw(text: &str, seed: [u8; 32]) -> Option<Picture> {
    let glyphs: Vec<Glyph> = text.chars().map(glyph).collect::<Option<_>>()?;
    let mut rng = StdRng::from_seed(seed);
    let ink = lay_out(&glyphs, &mut rng);
    let strokes: Vec<bool> = ink.iter().map(|&c| c >= 0.5).collect();
    let pixels = strokes.iter().map(|&s| if s { Paint::Ink } else { Paint::Paper }).collect();
    let mut picture = Picture { pixels, strokes };
    picture.sprinkle(&mut rng);
    Some(picture)
}

impl Picture {
    /// The noise: a few thin lines and specks, kept off the strokes and the pixels around them.
    fn sprinkle(&mut self, rng: &mut StdRng) {
        let clear = keep_off(&self.strokes);
        for _ in 0..LINES {
            line(&mut self.pixels, &clear, rng);
        }
        for _ in 0..SPECKS {
            let (x, y) = (rng.random_range(0..WIDTH), rng.random_range(0..HEIGHT));
            let size = rng.random_range(1..=2);
            for (dx, dy) in [(0, 0), (1, 0), (0, 1), (1, 1)].into_iter().take(size * size) {
                paint(&mut self.pixels, &clear, x + dx, y + dy);
            }
        }
    }
}

/// One character as the font draws it: how much ink each pixel holds (0 to 1).
struct Glyph {
    width: usize,
    height: usize,
    ink: Vec<f32>,
}

impl Glyph {
    /// The ink at a point between pixels, blended from the four around it.
    fn sample(&self, x: f32, y: f32) -> f32 {
        let (x0, y0) = (x.floor(), y.floor());
        let (fx, fy) = (x - x0, y - y0);
        let at = |x: f32, y: f32| {
            if x < 0.0 || y < 0.0 || x >= self.width as f32 || y >= self.height as f32 {
                0.0
            } else {
                self.ink[y as usize * self.width + x as usize]
            }
        };
        let top = at(x0, y0) * (1.0 - fx) + at(x0 + 1.0, y0) * fx;
        let bottom = at(x0, y0 + 1.0) * (1.0 - fx) + at(x0 + 1.0, y0 + 1.0) * fx;
        top * (1.0 - fy) + bottom * fy
    }
}

/// One character as the font draws it alone (so no neighbour's stroke creeps in), cut to its ink.
fn glyph(character: char) -> Option<Glyph> {
    let mut alone = RngCaptcha::from_rng(StdRng::from_seed([0; 32]));
    alone.set_chars(&[character]).add_char();
    let area = alone.text_area();
    // The text area's right and bottom edges are the character's last column and row.
    alone.extract(::captcha::Geometry::new(area.left, area.right + 1, area.top, area.bottom + 1));
    let (width, height, ink) = decode_ink(&alone.as_png()?)?;
    let inked = |x: usize, y: usize| ink[y * width + x] > 0.05;
    let (columns, rows) = (0..width, 0..height);
    let left = columns.clone().find(|&x| rows.clone().any(|y| inked(x, y)))?;
    let right = columns.clone().rev().find(|&x| rows.clone().any(|y| inked(x, y)))?;
    let top = rows.clone().find(|&y| columns.clone().any(|x| inked(x, y)))?;
    let bottom = rows.rev().find(|&y| columns.clone().any(|x| inked(x, y)))?;
    let cut = (top..=bottom).flat_map(|y| (left..=right).map(move |x| (x, y)));
    let ink = cut.map(|(x, y)| ink[y * width + x]).collect();
    Some(Glyph { width: right - left + 1, height: bottom - top + 1, ink })
}

/// A PNG's ink per pixel (dark is ink), from its first channel.
fn decode_ink(png: &[u8]) -> Option<(usize, usize, Vec<f32>)> {
    let mut decoder = png::Decoder::new(png);
    decoder.set_transformations(png::Transformations::EXPAND | png::Transformations::STRIP_16);
    let mut reader = decoder.read_info().ok()?;
    let mut buffer = vec![0; reader.output_buffer_size()];
    let info = reader.next_frame(&mut buffer).ok()?;
    let channels = info.color_type.samples();
    let (width, height) = (info.width as usize, info.height as usize);
    let ink = buffer[..width * height * channels].chunks(channels).map(|p| 1.0 - f32::from(p[0]) / 255.0);
    Some((width, height, ink.collect()))
}

/// The characters side by side with a gap between them, each turned and lifted a little,
/// along a gentle wave, enlarged as far as the picture allows: the ink of each pixel.
fn lay_out(glyphs: &[Glyph], rng: &mut StdRng) -> Vec<f32> {
    let gaps: Vec<f32> = (1..glyphs.len()).map(|_| rng.random_range(3.0..7.0)).collect();
    let turns: Vec<f32> = glyphs.iter().map(|_| rng.random_range(-0.16..0.16)).collect();
    let lifts: Vec<f32> = glyphs.iter().map(|_| rng.random_range(-3.0..3.0)).collect();
    let wave = (rng.random_range(0.6..1.2), rng.random_range(0.0..TAU), rng.random_range(2.0..4.0));

    let line_width: f32 = glyphs.iter().map(|g| g.width as f32).sum::<f32>() + gaps.iter().sum::<f32>();
    let line_height = glyphs.iter().map(|g| g.height).max().unwrap_or(1) as f32;
    // Turning a character by up to 0.16 rad widens and heightens it by up to a sixth.
    let room_x = (WIDTH as f32 - 2.0 * MARGIN) / (line_width * 1.05);
    let room_y = (HEIGHT as f32 - 2.0 * (MARGIN + 3.0 + wave.2)) / (line_height * 1.2);
    let scale = MAX_SCALE.min(room_x).min(room_y);

    let mut ink = vec![0.0f32; WIDTH * HEIGHT];
    let mut left = (WIDTH as f32 - line_width * scale) / 2.0;
    for (i, glyph) in glyphs.iter().enumerate() {
        let (half_w, half_h) = (glyph.width as f32 / 2.0, glyph.height as f32 / 2.0);
        let centre = (left + half_w * scale, HEIGHT as f32 / 2.0 + lifts[i]);
        let (sin, cos) = turns[i].sin_cos();
        let reach = (half_w.hypot(half_h) * scale).ceil() + 1.0;
        let xs = (centre.0 - reach).max(0.0) as usize..((centre.0 + reach) as usize).min(WIDTH);
        for x in xs {
            let rise = wave.2 * (TAU * wave.0 * x as f32 / WIDTH as f32 + wave.1).sin();
            let ys = (centre.1 + rise - reach).max(0.0) as usize..((centre.1 + rise + reach) as usize).min(HEIGHT);
            for y in ys {
                let (u, v) = (x as f32 + 0.5 - centre.0, y as f32 + 0.5 - centre.1 - rise);
                let gx = (cos * u + sin * v) / scale + half_w - 0.5;
                let gy = (-sin * u + cos * v) / scale + half_h - 0.5;
                let cell = &mut ink[y * WIDTH + x];
                *cell = cell.max(glyph.sample(gx, gy));
            }
        }
        left += (glyph.width as f32 + gaps.get(i).copied().unwrap_or(0.0)) * scale;
    }
    ink
}

/// Where noise may go: not on a stroke, nor on a pixel touching one.
fn keep_off(strokes: &[bool]) -> Vec<bool> {
    let mut clear = vec![true; strokes.len()];
    for (index, _) in strokes.iter().enumerate().filter(|(_, stroke)| **stroke) {
        let (x, y) = (index % WIDTH, index / WIDTH);
        for ny in y.saturating_sub(1)..=(y + 1).min(HEIGHT - 1) {
            for nx in x.saturating_sub(1)..=(x + 1).min(WIDTH - 1) {
                clear[ny * WIDTH + nx] = false;
            }
        }
    }
    clear
}

fn paint(pixels: &mut [Paint], clear: &[bool], x: usize, y: usize) {
    if x < WIDTH && y < HEIGHT && clear[y * WIDTH + x] {
        pixels[y * WIDTH + x] = Paint::Noise;
    }
}

/// A one-pixel line across the picture, a slow wave, broken wherever it would near a stroke.
fn line(pixels: &mut [Paint], clear: &[bool], rng: &mut StdRng) {
    let middle = rng.random_range(20.0..80.0f32);
    let (height, periods, phase) =
        (rng.random_range(5.0..15.0f32), rng.random_range(0.5..1.5f32), rng.random_range(0.0..TAU));
    let at = |x: usize| middle + height * (TAU * periods * x as f32 / WIDTH as f32 + phase).sin();
    let mut previous = at(0).round() as i64;
    for x in 0..WIDTH {
        let y = at(x).round() as i64;
        // Steep parts are filled in, so the line never breaks into dots.
        for fill in previous.min(y)..=previous.max(y) {
            if let Ok(fill) = usize::try_from(fill) {
                paint(pixels, clear, x, fill);
            }
        }
        previous = y;
    }
}
