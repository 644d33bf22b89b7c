-- sql/include/prisma_schema.sql: an application's own tables as Prisma makes
-- them (prisma migrate's DDL for a seed-like schema.prisma): quoted
-- PascalCase tables, camelCase columns, UPPERCASE enum statuses with values
-- of the application's own (DRAFT, MAINTENANCE, OFF_DUTY), extra NOT NULL
-- columns with defaults, time stamps as timestamp(3) in UTC, "updatedAt"
-- without a database default (@updatedAt is set by the client).  uuid ids
-- (String @id @db.Uuid).  Used by sql/24_bind.sql and
-- scripts/check-dump-restore.sh.
CREATE TYPE "OrderStatus" AS ENUM ('DRAFT', 'SEARCHING', 'PARTIALLY_FILLED',
	'FULLY_FILLED', 'CANCELLED', 'EXPIRED', 'COMPLETED');
CREATE TYPE "TruckRequestStatus" AS ENUM ('SEARCHING', 'ASSIGNED', 'CANCELLED',
	'EXPIRED', 'COMPLETED');
CREATE TYPE "VehicleStatus" AS ENUM ('AVAILABLE', 'ON_TRIP', 'MAINTENANCE');
CREATE TYPE "DriverStatus" AS ENUM ('AVAILABLE', 'ON_TRIP', 'OFF_DUTY');
CREATE TYPE "AssignmentStatus" AS ENUM ('ACTIVE', 'RELEASED', 'CANCELLED', 'COMPLETED');
CREATE TABLE "Order" (
	"id" uuid PRIMARY KEY,
	"customerName" text NOT NULL DEFAULT '',
	"trucksNeeded" integer NOT NULL,
	"trucksFilled" integer NOT NULL DEFAULT 0,
	"status" "OrderStatus" NOT NULL DEFAULT 'SEARCHING',
	"createdAt" timestamp(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
	"updatedAt" timestamp(3) NOT NULL);
CREATE TABLE "TruckRequest" (
	"id" uuid PRIMARY KEY,
	"orderId" uuid NOT NULL REFERENCES "Order",
	"vehicleType" text NOT NULL,
	"status" "TruckRequestStatus" NOT NULL DEFAULT 'SEARCHING',
	"assignedTransporterId" uuid,
	"assignedVehicleId" uuid,
	"assignedDriverId" uuid,
	"assignedAt" timestamp(3),
	"expiresAt" timestamp(3),
	"priority" integer NOT NULL DEFAULT 0,
	"createdAt" timestamp(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
	"updatedAt" timestamp(3) NOT NULL);
CREATE TABLE "Vehicle" (
	"id" uuid PRIMARY KEY,
	"transporterId" uuid NOT NULL,
	"plateNumber" text NOT NULL DEFAULT '',
	"vehicleType" text NOT NULL,
	"status" "VehicleStatus" NOT NULL DEFAULT 'AVAILABLE',
	"createdAt" timestamp(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
	"updatedAt" timestamp(3) NOT NULL);
CREATE TABLE "Driver" (
	"id" uuid PRIMARY KEY,
	"transporterId" uuid NOT NULL,
	"name" text NOT NULL DEFAULT '',
	"status" "DriverStatus" NOT NULL DEFAULT 'AVAILABLE',
	"createdAt" timestamp(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
	"updatedAt" timestamp(3) NOT NULL);
CREATE TABLE "Assignment" (
	"id" uuid PRIMARY KEY,
	"tripId" uuid NOT NULL UNIQUE,
	"truckRequestId" uuid NOT NULL REFERENCES "TruckRequest",
	"orderId" uuid NOT NULL REFERENCES "Order",
	"transporterId" uuid NOT NULL,
	"vehicleId" uuid NOT NULL REFERENCES "Vehicle",
	"driverId" uuid REFERENCES "Driver",
	"status" "AssignmentStatus" NOT NULL DEFAULT 'ACTIVE',
	"notes" text,
	"createdAt" timestamp(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
	"updatedAt" timestamp(3) NOT NULL);
