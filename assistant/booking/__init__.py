"""Hall appointments: calendar, slots, bookings without overbooking, queue, nearest hall."""
