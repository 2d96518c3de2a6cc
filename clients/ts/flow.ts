// The mobile app's first journey through the generated client, no casts: sign in with an
// SMS code, find a doctor and a free slot, book it, cancel it.
// Run by arthomed/tests/test_generated_clients.py: types from `openapi-typescript`, compiled
// with `tsc --strict`, then executed with node against a live server.
//   ARTHOMED_BASE_URL  the server, e.g. http://127.0.0.1:3001
//   ARTHOMED_SMS_LOG   the file the server's console SMS backend writes to (the code is read there)
//   ARTHOMED_MOBILE    a 10-digit mobile number to sign in with
import { readFileSync } from "node:fs";
import createClient from "openapi-fetch";
import type { components, paths } from "./generated/api.js";

type Appointment = components["schemas"]["AppointmentOutput"];

function setting(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
}

const baseUrl = setting("ARTHOMED_BASE_URL");
const mobileNumber = setting("ARTHOMED_MOBILE");

async function smsCode(): Promise<string> {
  const pattern = new RegExp(`^SMS to \\+91${mobileNumber}: (\\d{6}) `, "gm");
  for (let attempt = 0; attempt < 50; attempt++) {
    const codes = [...readFileSync(setting("ARTHOMED_SMS_LOG"), "utf8").matchAll(pattern)];
    const code = codes.at(-1)?.[1];
    if (code) return code;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error("no sign-in code in the SMS log");
}

function isoDate(daysAhead: number): string {
  const day = new Date(Date.now() + daysAhead * 86_400_000);
  return day.toISOString().slice(0, 10);
}

async function main(): Promise<void> {
  const anonymous = createClient<paths>({ baseUrl });

  const sent = await anonymous.POST("/api/auth/send-otp", { body: { mobileNumber } });
  if (!sent.data) throw new Error(`send-otp: ${JSON.stringify(sent.error)}`);
  console.log(`code sent, valid ${sent.data.data.expiresIn} s`);

  const signedIn = await anonymous.POST("/api/auth/verify-otp", {
    body: { mobileNumber, otp: await smsCode(), name: "Client Check" },
  });
  if (!signedIn.data) throw new Error(`verify-otp: ${JSON.stringify(signedIn.error)}`);
  const { user, tokens } = signedIn.data.data;
  console.log(`signed in as ${user._id} (${user.role}, new: ${signedIn.data.data.isNewUser})`);

  const client = createClient<paths>({ baseUrl, headers: { Authorization: `Bearer ${tokens.accessToken}` } });

  const doctors = await client.GET("/api/users/doctors", { params: { query: { page: 1, limit: 10 } } });
  if (!doctors.data) throw new Error(`doctors: ${JSON.stringify(doctors.error)}`);
  const doctor = doctors.data.data.items[0];
  if (!doctor) throw new Error("no doctor in the directory");
  console.log(`doctor ${doctor.name}, ${doctor.doctorInfo.specialization}, fee ${doctor.doctorInfo.consultationFee}`);

  let booking: { date: string; time: string } | undefined;
  for (let days = 1; days <= 14 && !booking; days++) {
    const slots = await client.GET("/api/appointments/slots", {
      params: { query: { doctorId: doctor._id, date: isoDate(days) } },
    });
    if (!slots.data) throw new Error(`slots: ${JSON.stringify(slots.error)}`);
    const free = slots.data.data.availableSlots.find((slot) => slot.isAvailable);
    if (free) booking = { date: slots.data.data.date, time: free.startTime };
  }
  if (!booking) throw new Error("no free slot in the next two weeks");

  const booked = await client.POST("/api/appointments/book", {
    body: {
      doctorId: doctor._id,
      appointmentDate: booking.date,
      appointmentTime: booking.time,
      reason: "Knee pain after running",
    },
  });
  if (!booked.data) throw new Error(`book: ${JSON.stringify(booked.error)}`);
  const appointment: Appointment = booked.data.data.appointment;
  console.log(`booked ${appointment._id} on ${appointment.appointmentDate} ${appointment.appointmentTime}: ${appointment.status}`);

  const cancelled = await client.PUT("/api/appointments/{id}/cancel", {
    params: { path: { id: appointment._id } },
    body: { reason: "Feeling better" },
  });
  if (!cancelled.data) throw new Error(`cancel: ${JSON.stringify(cancelled.error)}`);
  const after: Appointment = cancelled.data.data.appointment;
  const refund = after.cancellation ? after.cancellation.refundStatus : "none";
  console.log(`RESULT ${JSON.stringify({ status: after.status, refundStatus: refund, createdAt: after.createdAt })}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
