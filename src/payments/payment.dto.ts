import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsOptional, IsString, Length, Matches, ValidateNested } from 'class-validator';
import { IsOre } from '../platform/validators.js';

export class DirectPayeeDto {
  @ApiProperty({ enum: ['landlord', 'energy_company'], description: 'Paid directly instead of to the client (the client account comes from the case file)' })
  @IsIn(['landlord', 'energy_company'])
  kind!: 'landlord' | 'energy_company';
  @ApiProperty({ example: 'Bostadsbolaget AB' }) @IsString() @Length(1, 200) name!: string;
  @ApiProperty({ example: '5050-1055' })
  @IsString()
  @Matches(/^[0-9 -]{5,40}$/, { message: 'account must be digits, spaces and dashes (bankgiro, plusgiro or clearing + account)' })
  account!: string;
}

export class SchedulePaymentDto {
  @ApiProperty({ description: 'The granted decision for the month', example: '1b9d6bcd-bbfd-4b2d-9b5d-ab8dfbbd4bed' })
  @IsString()
  @Matches(/^[A-Za-z0-9_-]{1,64}$/, { message: 'decisionId must be 1–64 letters, digits, _ or -' })
  decisionId!: string;
  @ApiPropertyOptional({ description: 'Öre; omitted = what remains of the decided amount', example: 952000 })
  @IsOptional()
  @IsOre()
  amount?: number;
  @ApiPropertyOptional({ type: DirectPayeeDto, description: 'Pay a landlord or energy company directly; omitted = the payee in the case file' })
  @IsOptional()
  @ValidateNested()
  @Type(() => DirectPayeeDto)
  payee?: DirectPayeeDto;
}

export class AttestPaymentDto {
  @ApiPropertyOptional({ description: 'A note from the attestant, kept with the attestation', example: 'Kontrollerad mot beslut och kontoutdrag' })
  @IsOptional()
  @IsString()
  @Length(1, 500)
  comment?: string;
}

export class RecordDisbursementDto {
  @ApiProperty({ description: 'The bank\'s reference for the transfer', example: 'BGC-2026-11-25-000123' })
  @IsString()
  @Matches(/^[\x21-\x7e]{1,100}$/, { message: 'bankReference must be 1–100 visible ASCII characters' })
  bankReference!: string;
}

export class ReasonDto {
  @ApiProperty({ example: 'Kontot är avslutat' }) @IsString() @Length(1, 2000) reason!: string;
}
