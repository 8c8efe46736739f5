/**
 * The demo plant's press manual, imported at start so the assistant has a document to cite: sections on the faults
 * the simulator produces (bearing overheat, hydraulic leak, die jam, light-curtain trips) and on oil temperature.
 * Written for the demo; the figures are the demo press's own.
 */
export const DEMO_MANUAL = {
  id: 'demo-press-manual',
  title: 'Servo-hydraulic press — operating and maintenance manual (demo)',
  content: `# Servo-hydraulic press manual

This manual covers the servo-hydraulic presses of stamping line 1: daily checks, the faults that stop a press, and
what to do about each. Lock out the press before any work inside the guarding.

## 1 Daily checks

At the start of each shift check the hydraulic oil level at the sight glass, listen to the main drive for new noises
and look under the press for oil. Record the oil temperature and the bearing temperature from the HMI in the shift
log.

## 2 Main drive bearing

### 2.1 Lubrication

Re-grease the main drive bearing every 500 operating hours with 40 g of lithium-complex grease (NLGI 2) through the
nipple on the bearing housing. Do not over-grease: surplus grease raises the bearing temperature.

### 2.2 Bearing overheat

The press stops with the fault "bearing overheat" when the bearing temperature passes 95 °C. A rising vibration
level on the bearing housing usually comes first, days before the trip. After a trip let the bearing cool for at
least 30 minutes, check the grease at the nipple, and turn the drive by hand: roughness or a clicking noise means
the rolling elements are worn and the bearing must be replaced (spare part: main bearing 6312). Open a corrective
work order for every bearing overheat stop.

## 3 Hydraulics

### 3.1 Oil temperature

Normal oil temperature is 35–55 °C. Above 60 °C the HMI warns "oil hot"; at 65 °C the press finishes its stroke and
stops. Hot oil ages quickly and wears the rod seals: clean the cooler fins and check the cooling-water valve.

### 3.2 Hydraulic leak

A hydraulic leak at the cylinder rod seal shows as oil on the rod or the floor and a falling system pressure. Stop
the press, bleed the accumulators until the gauge reads 0 bar, and change the rod seal set. Inspect the piston rod
for scoring; a scored rod destroys new seals within days.

## 4 Tooling

### 4.1 Die jam

A die jam stops the slide before bottom dead centre. Do not reverse the slide under pressure. Switch to setting
mode, back the slide off slowly, remove the jammed part, and check the die for cracked punches and the strip feed
for misalignment before restarting.

## 5 Safety devices

### 5.1 Light curtain trips

The press stops at once when the light curtain is interrupted. Frequent trips without anyone reaching in point to a
dirty or misaligned curtain: clean the lenses and check the alignment marks. Never bridge the light curtain.
`,
} as const;
