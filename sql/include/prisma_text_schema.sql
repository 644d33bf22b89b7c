-- sql/include/prisma_text_schema.sql: the tables of prisma_schema.sql with
-- Prisma's default ids, "String @id @default(uuid())": text columns, which
-- hold legacy cuid-style ids as well as uuids, and a text "tripId" for trip
-- numbers like TRIP-2024-000123; plus the application's own "Transporter"
-- table, which the transporter ids reference.  Used by sql/25_text_ids.sql.
CREATE TYPE "OrderStatus" AS ENUM ('DRAFT', 'SEARCHING', 'PARTIALLY_FILLED',
	'FULLY_FILLED', 'CANCELLED', 'EXPIRED', 'COMPLETED');
CREATE TYPE "TruckRequestStatus" AS ENUM ('SEARCHING', 'ASSIGNED', 'CANCELLED',
	'EXPIRED', 'COMPLETED');
CREATE TYPE "VehicleStatus" AS ENUM ('AVAILABLE', 'ON_TRIP', 'MAINTENANCE');
CREATE TYPE "DriverStatus" AS ENUM ('AVAILABLE', 'ON_TRIP', 'OFF_DUTY');
CREATE TYPE "AssignmentStatus" AS ENUM ('ACTIVE', 'RELEASED', 'CANCELLED', 'COMPLETED');
CREATE TABLE "Transporter" (
	"id" text PRIMARY KEY,
	"name" text NOT NULL DEFAULT '');
CREATE TABLE "Order" (
	"id" text PRIMARY KEY,
	"customerName" text NOT NULL DEFAULT '',
	"trucksNeeded" integer NOT NULL,
	"trucksFilled" integer NOT NULL DEFAULT 0,
	"status" "OrderStatus" NOT NULL DEFAULT 'SEARCHING',
	"createdAt" timestamp(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
	"updatedAt" timestamp(3) NOT NULL);
CREATE TABLE "TruckRequest" (
	"id" text PRIMARY KEY,
	"orderId" text NOT NULL REFERENCES "Order",
	"vehicleType" text NOT NULL,
	"status" "TruckRequestStatus" NOT NULL DEFAULT 'SEARCHING',
	"assignedTransporterId" text REFERENCES "Transporter",
	"assignedVehicleId" text,
	"assignedDriverId" text,
	"assignedAt" timestamp(3),
	"expiresAt" timestamp(3),
	"priority" integer NOT NULL DEFAULT 0,
	"createdAt" timestamp(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
	"updatedAt" timestamp(3) NOT NULL);
CREATE TABLE "Vehicle" (
	"id" text PRIMARY KEY,
	"transporterId" text NOT NULL REFERENCES "Transporter",
	"plateNumber" text NOT NULL DEFAULT '',
	"vehicleType" text NOT NULL,
	"status" "VehicleStatus" NOT NULL DEFAULT 'AVAILABLE',
	"createdAt" timestamp(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
	"updatedAt" timestamp(3) NOT NULL);
CREATE TABLE "Driver" (
	"id" text PRIMARY KEY,
	"transporterId" text NOT NULL REFERENCES "Transporter",
	"name" text NOT NULL DEFAULT '',
	"status" "DriverStatus" NOT NULL DEFAULT 'AVAILABLE',
	"createdAt" timestamp(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
	"updatedAt" timestamp(3) NOT NULL);
CREATE TABLE "Assignment" (
	"id" text PRIMARY KEY,
	"tripId" text NOT NULL UNIQUE,
	"truckRequestId" text NOT NULL REFERENCES "TruckRequest",
	"orderId" text NOT NULL REFERENCES "Order",
	"transporterId" text NOT NULL REFERENCES "Transporter",
	"vehicleId" text NOT NULL REFERENCES "Vehicle",
	"driverId" text REFERENCES "Driver",
	"status" "AssignmentStatus" NOT NULL DEFAULT 'ACTIVE',
	"notes" text,
	"createdAt" timestamp(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
	"updatedAt" timestamp(3) NOT NULL);
